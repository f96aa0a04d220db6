/** Entry dates: the formats authors write (ISO 8601, RFC 2822, "April 1, 2025"), naive times read in the
 *  site's IANA time zone, and the one canonical form Quire writes back. No dependency: zones via Intl. */

import { QuireError } from "../errors.js";
import { excerpt } from "./parse-text.js";

/** The canonical example quoted in every date error, so authors see the form Quire itself writes. */
export const DATE_EXAMPLE = "2025-04-01 10:00:00-07:00";

/** English month names, for parsing dates and for labels of date pages. */
export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;
const MONTH_PREFIXES: readonly string[] = MONTHS.map((m) => m.slice(0, 3).toLowerCase());
const WEEKDAY = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i;
// RFC 2822 §4.3 obsolete zone names; US ones only, as the RFC lists them.
const NAMED_ZONES: Record<string, number> = {
  Z: 0, UT: 0, UTC: 0, GMT: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
};

const TIME = String.raw`(\d{1,2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*([ap]\.?m\.?)?`;
const ZONE = String.raw`(?:\s*(Z|UTC?|GMT|[ECMP][SD]T|[+-]\d{2}(?::?\d{2})?|[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+))?`;
const ISO = new RegExp(
  String.raw`^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2})(?:(?:T|\s+)${TIME})?)?${ZONE}$`,
  "i",
);
const ISO_BASIC = new RegExp(String.raw`^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?${ZONE}$`, "i");
const MONTH_FIRST = new RegExp(
  String.raw`^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:,?\s+(?:at\s+)?${TIME})?${ZONE}$`,
  "i",
);
const DAY_FIRST = new RegExp(
  String.raw`^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})(?:,?\s+(?:at\s+)?${TIME})?${ZONE}$`,
  "i",
);
const YEAR_ONLY = /^(\d{4})$/;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/** Parse an author's date; naive times are wall-clock time in `timeZone`. Returns epoch ms or throws E_ENTRY_DATE. */
export function parseDate(text: string, timeZone = "UTC", field = "Date"): number {
  const ms = tryParseDate(text, timeZone);
  if (ms === null) {
    throw new QuireError("E_ENTRY_DATE", `${field} "${excerpt(text)}" is not a date (expected e.g. ${DATE_EXAMPLE})`, {
      field,
    });
  }
  return ms;
}

/** Like parseDate, but null instead of an error. */
export function tryParseDate(text: string, timeZone = "UTC"): number | null {
  // Long values are never dates; the cap also keeps the regexes cheap on hostile input.
  if (text.length > 200) return null;
  const s = text.trim().replace(/\s+/g, " ");
  if (s === "" || s.length > 80) return null;
  let m = ISO.exec(s);
  if (m) return build(m[1], m[2], m[3] ?? "1", m.slice(4, 9), m[9], timeZone);
  m = ISO_BASIC.exec(s);
  if (m) return build(m[1], m[2], m[3], [m[4], m[5], m[6], undefined, undefined], m[7], timeZone);
  m = YEAR_ONLY.exec(s);
  if (m) return build(m[1], "1", "1", [], undefined, timeZone);
  const words = s.replace(WEEKDAY, "");
  m = MONTH_FIRST.exec(words);
  if (m) return build(m[3], monthNumber(m[1]), m[2], m.slice(4, 9), m[9], timeZone);
  m = DAY_FIRST.exec(words);
  if (m) return build(m[3], monthNumber(m[2]), m[1], m.slice(4, 9), m[9], timeZone);
  return null;
}

/**
 * The zone an author wrote a date in, for showing it as written (Publ shows `13:37-05:00` as 13:37, not
 * in the site's zone): `+HH:MM` for an offset or an RFC 2822 name, the IANA name as written, or null for
 * a naive date (shown in the site's zone) or one that is not a date.
 */
export function dateZone(text: string): string | null {
  if (text.length > 200) return null;
  const s = text.trim().replace(/\s+/g, " ");
  const words = s.replace(WEEKDAY, "");
  const zone = ISO.exec(s)?.[9] ?? ISO_BASIC.exec(s)?.[7] ?? MONTH_FIRST.exec(words)?.[9] ?? DAY_FIRST.exec(words)?.[9];
  if (zone === undefined) return null;
  const minutes = zoneOffsetMinutes(zone);
  if (minutes !== null) return offsetZone(minutes);
  return isValidTimeZone(zone) ? zone : null;
}

/** `+05:30` for 330 minutes east of UTC. */
function offsetZone(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// A fixed offset as `dateZone` writes it; zoneOffsetMs reads it without Intl (Node 20 has no offset zones).
const FIXED_ZONE = /^([+-])(\d{2}):(\d{2})$/;

const FULL_MONTHS = [
  "january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december",
];

/** "Apr", "April", "Sept" → "4"; anything else → "0", which validation then refuses. */
function monthNumber(name: string | undefined): string {
  const n = (name ?? "").toLowerCase();
  let i = FULL_MONTHS.indexOf(n);
  if (i < 0) i = n === "sept" ? 8 : MONTH_PREFIXES.indexOf(n);
  return String(i + 1);
}

function build(
  y: string | undefined,
  mo: string | undefined,
  d: string | undefined,
  time: (string | undefined)[],
  zone: string | undefined,
  timeZone: string,
): number | null {
  const [h, mi, sec, frac, ampm] = time;
  const f: Fields = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: h === undefined ? 0 : Number(h),
    minute: mi === undefined ? 0 : Number(mi),
    second: sec === undefined ? 0 : Number(sec),
    ms: frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, "0")),
  };
  // A bare hour ("April 1, 2025 10") is too ambiguous to guess at.
  if (h !== undefined && mi === undefined && ampm === undefined) return null;
  if (ampm !== undefined) {
    if (f.hour < 1 || f.hour > 12) return null;
    const pm = ampm.toLowerCase().startsWith("p");
    f.hour = (f.hour % 12) + (pm ? 12 : 0);
  }
  if (!validFields(f)) return null;
  const wall = wallClockMs(f);
  if (zone === undefined) return zonedToUtc(wall, timeZone);
  const offset = zoneOffsetMinutes(zone);
  if (offset !== null) return wall - offset * 60_000;
  if (!isValidTimeZone(zone)) return null;
  return zonedToUtc(wall, zone);
}

function validFields(f: Fields): boolean {
  if (f.year < 1 || f.month < 1 || f.month > 12 || f.day < 1) return false;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return false;
  return f.day <= daysInMonth(f.year, f.month);
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Epoch ms of these fields read as UTC; Date.UTC maps years 0–99 to the 1900s, so those go through setUTCFullYear. */
function wallClockMs(f: Fields): number {
  if (f.year >= 100) return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms);
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour, f.minute, f.second, f.ms);
  return date.getTime();
}

function zoneOffsetMinutes(zone: string): number | null {
  const upper = zone.toUpperCase();
  if (Object.hasOwn(NAMED_ZONES, upper)) return NAMED_ZONES[upper] ?? null;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? "0");
  if (hours > 23 || minutes > 59) return null;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

// Zones that are UTC by definition skip Intl, which costs microseconds per call during a full index.
const UTC_ZONES = new Set(["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"]);
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

/** True when `timeZone` is an IANA zone name this Node knows. */
export function isValidTimeZone(timeZone: string): boolean {
  // Without Intl for UTC: the first DateTimeFormat loads the time zone data, ~10 ms.
  if (UTC_ZONES.has(timeZone)) return true;
  if (FIXED_ZONE.test(timeZone)) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at this instant, in ms (wall clock minus UTC). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  if (UTC_ZONES.has(timeZone)) return 0;
  const fixed = FIXED_ZONE.exec(timeZone);
  if (fixed) return (fixed[1] === "-" ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(whole))) parts[p.type] = p.value;
  const year = parts.era === "BC" || parts.era === "B" ? 1 - Number(parts.year) : Number(parts.year);
  const date = new Date(0);
  date.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  date.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return date.getTime() - whole;
}

/**
 * The instant at which the wall clock in `timeZone` shows `wallMs` (wall time encoded as if UTC).
 * Like Temporal's "compatible" rule, so results never depend on the machine: a time repeated when
 * clocks go back means its first occurrence; a time skipped when clocks go forward is read with the
 * offset in force before the jump (02:30 in a 02:00→03:00 gap becomes 03:30).
 */
export function zonedToUtc(wallMs: number, timeZone: string): number {
  if (UTC_ZONES.has(timeZone)) return wallMs;
  const DAY = 86_400_000;
  const before = zoneOffsetMs(wallMs - DAY, timeZone);
  const after = zoneOffsetMs(wallMs + DAY, timeZone);
  // No transition within a day either side (nearly always): one offset, no ambiguity to resolve.
  if (before === after) return wallMs - before;
  const fits = (offset: number): boolean => zoneOffsetMs(wallMs - offset, timeZone) === offset;
  const candidates = [before, after].filter(fits);
  if (candidates.length === 0) return wallMs - before;
  return wallMs - Math.max(...candidates);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** The canonical `YYYY-MM-DD HH:MM:SS±HH:MM` form in `timeZone`, to whole seconds, as Quire writes it back. */
export function formatDate(ms: number, timeZone = "UTC"): string {
  const whole = Math.floor(ms / 1000) * 1000;
  let offset = zoneOffsetMs(whole, timeZone);
  // Local mean time before 1900 has offsets in seconds, which ±HH:MM cannot carry; UTC round-trips exactly.
  if (offset % 60_000 !== 0) offset = 0;
  const d = new Date(whole + offset);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset) / 60_000;
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
