/** Calendar periods of date pages: parsing `?date=` keys (Publ's forms), their boundaries in the site's
 *  time zone (DST-correct, via Intl), the period an entry falls in, and human labels. */
import { MONTHS } from "../content/dates.js";
import { zonedToUtc, zoneOffsetMs } from "../content/dates.js";
import type { DatePaging } from "./view-spec.js";

/** One calendar period, as a half-open range of instants [start, end). */
export interface Period {
  paging: DatePaging;
  /** Canonical date key: `2024`, `2024-03`, `2024-03-04`, `2024-03-04_w` (the Monday the week starts on). */
  key: string;
  start: number;
  end: number;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** What `?date=` accepts, shown in error messages. */
export const DATE_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD_w";

// Publ's pattern: dashes optional, one- or two-digit month and day, `_w` for the week containing the date.
const DATE_KEY = /^(\d{4})(?:-?(\d{1,2}))?(?:-?(\d{1,2}))?(_w)?$/;
const DAY_MS = 86_400_000;

/** Parses a date key into its canonical form and precision, or null when it is not a valid date. */
export function parseDateKey(text: string): { key: string; paging: DatePaging } | null {
  const m = DATE_KEY.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const date = { year, month, day };
  if (m[4]) return { key: keyOf(mondayOf(date), "week"), paging: "week" };
  if (m[3] !== undefined) return { key: keyOf(date, "day"), paging: "day" };
  if (m[2] !== undefined) return { key: keyOf(date, "month"), paging: "month" };
  return { key: keyOf(date, "year"), paging: "year" };
}

/** The period a canonical date key names, with its boundaries in `timeZone`. */
export function periodOfKey(key: string, timeZone: string): Period {
  const parsed = parseDateKey(key);
  if (!parsed) throw new RangeError(`not a date key: ${key}`);
  const m = DATE_KEY.exec(parsed.key)!;
  return periodFrom(
    { year: Number(m[1]), month: Number(m[2] ?? 1), day: Number(m[3] ?? 1) },
    parsed.paging,
    timeZone,
  );
}

/** The period of the given kind that contains the instant `ms` in `timeZone`. */
export function periodContaining(ms: number, paging: DatePaging, timeZone: string): Period {
  return periodFrom(calendarDateOf(ms, timeZone), paging, timeZone);
}

/** The human name of a period: "2024", "March 2024", "Week of 2024-03-04", "March 4, 2024". */
export function periodLabel(period: Period): string {
  const m = DATE_KEY.exec(period.key)!;
  const date = { year: Number(m[1]), month: Number(m[2] ?? 1), day: Number(m[3] ?? 1) };
  switch (period.paging) {
    case "year":
      return m[1]!;
    case "month":
      return `${MONTHS[date.month - 1]} ${m[1]}`;
    case "week":
      return `Week of ${keyOf(date, "day")}`;
    case "day":
      return dayLabel(date);
  }
}

/** An instant as a day label in `timeZone`: "March 4, 2024". */
export function dayLabelOf(ms: number, timeZone: string): string {
  return dayLabel(calendarDateOf(ms, timeZone));
}

function dayLabel(d: CalendarDate): string {
  return `${MONTHS[d.month - 1]} ${d.day}, ${pad(d.year, 4)}`;
}

function periodFrom(date: CalendarDate, paging: DatePaging, timeZone: string): Period {
  let first: CalendarDate;
  let next: CalendarDate;
  switch (paging) {
    case "year":
      first = { year: date.year, month: 1, day: 1 };
      next = { year: date.year + 1, month: 1, day: 1 };
      break;
    case "month":
      first = { ...date, day: 1 };
      next =
        date.month === 12 ? { year: date.year + 1, month: 1, day: 1 } : { ...first, month: date.month + 1 };
      break;
    case "week":
      first = mondayOf(date);
      next = addDays(first, 7);
      break;
    case "day":
      first = date;
      next = addDays(date, 1);
      break;
  }
  // Boundaries are local midnights: a day across a DST change is 23 or 25 hours long, as a reader expects.
  return {
    paging,
    key: keyOf(first, paging),
    start: zonedToUtc(wallMs(first), timeZone),
    end: zonedToUtc(wallMs(next), timeZone),
  };
}

function calendarDateOf(ms: number, timeZone: string): CalendarDate {
  const wall = new Date(ms + zoneOffsetMs(ms, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/** Wall-clock midnight of a calendar date, encoded as if UTC (what zonedToUtc takes). */
function wallMs(d: CalendarDate): number {
  const date = new Date(0);
  date.setUTCFullYear(d.year, d.month - 1, d.day);
  return date.getTime();
}

function addDays(d: CalendarDate, days: number): CalendarDate {
  const date = new Date(wallMs(d) + days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

// Weeks start on Monday, as in Publ (arrow's ISO weeks).
function mondayOf(d: CalendarDate): CalendarDate {
  const weekday = new Date(wallMs(d)).getUTCDay();
  return addDays(d, -((weekday + 6) % 7));
}

function keyOf(d: CalendarDate, paging: DatePaging): string {
  const y = pad(d.year, 4);
  if (paging === "year") return y;
  if (paging === "month") return `${y}-${pad(d.month)}`;
  const day = `${y}-${pad(d.month)}-${pad(d.day)}`;
  return paging === "week" ? `${day}_w` : day;
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0); // day 0 of the next month: the last day of this one
  return date.getUTCDate();
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
