/** Dates in templates, in the manner of Publ's arrow objects: `entry.date.format('MMMM D, YYYY')`, `entry.date.isoformat()`. */
import { zoneOffsetMs, zonedToUtc, MONTHS } from "../content/dates.js";
import { CALLS, sig, type MemberCall } from "./callable.js";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const TOKENS =
  /\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DDDD|DDD|DD|Do|D|dddd|ddd|d|HH|H|hh|h|mm|m|ss|s|S+|A|a|ZZ|Z|X|x|W/g;

/** Units `shift()` takes, as Arrow names them. */
const SHIFT_UNITS = ["years", "months", "weeks", "days", "hours", "minutes", "seconds", "microseconds"];

/** A point in time shown in the site's time zone, with the part of Arrow's API templates use. */
export class TemplateDate {
  readonly ms: number;
  readonly timeZone: string;
  /** The instant `humanize()` measures from (the render's clock). */
  readonly now: number | undefined;
  private readonly local: Date;
  private readonly offsetMinutes: number;

  constructor(ms: number, timeZone: string, now?: number) {
    this.ms = ms;
    this.timeZone = timeZone;
    this.now = now;
    const offset = zoneOffsetMs(ms, timeZone);
    this.offsetMinutes = Math.round(offset / 60000);
    this.local = new Date(ms + offset);
  }

  /** Formats with arrow's tokens (YYYY, MMMM, MMM, MM, D, Do, dddd, ddd, HH, hh, h, mm, ss, A, a, ZZ, Z, X); `[text]` is literal. */
  format(pattern = "YYYY-MM-DD HH:mm:ssZZ"): string {
    let out = "";
    for (const part of patternParts(pattern)) out += part.literal ?? this.token(part.token);
    return out;
  }

  private token(t: string): string {
    const d = this.local;
    switch (t) {
      case "YYYY":
        return String(d.getUTCFullYear());
      case "YY":
        return pad(d.getUTCFullYear() % 100);
      case "MMMM":
        return MONTHS[d.getUTCMonth()]!;
      case "MMM":
        return MONTHS[d.getUTCMonth()]!.slice(0, 3);
      case "MM":
        return pad(d.getUTCMonth() + 1);
      case "M":
        return String(d.getUTCMonth() + 1);
      case "DD":
        return pad(d.getUTCDate());
      case "Do":
        return `${d.getUTCDate()}${ordinal(d.getUTCDate())}`;
      case "D":
        return String(d.getUTCDate());
      case "dddd":
        return DAYS[d.getUTCDay()]!;
      case "ddd":
        return DAYS[d.getUTCDay()]!.slice(0, 3);
      case "d":
        return String(d.getUTCDay());
      case "HH":
        return pad(d.getUTCHours());
      case "H":
        return String(d.getUTCHours());
      case "hh":
        return pad(hour12(d.getUTCHours()));
      case "h":
        return String(hour12(d.getUTCHours()));
      case "mm":
        return pad(d.getUTCMinutes());
      case "m":
        return String(d.getUTCMinutes());
      case "ss":
        return pad(d.getUTCSeconds());
      case "s":
        return String(d.getUTCSeconds());
      case "A":
        return d.getUTCHours() < 12 ? "AM" : "PM";
      case "a":
        return d.getUTCHours() < 12 ? "am" : "pm";
      case "ZZ":
      case "Z": {
        const sign = this.offsetMinutes < 0 ? "-" : "+";
        const abs = Math.abs(this.offsetMinutes);
        return `${sign}${pad(Math.floor(abs / 60))}${t === "ZZ" ? ":" : ""}${pad(abs % 60)}`;
      }
      case "X":
        return String(Math.floor(this.ms / 1000));
      case "x":
        return String(Math.floor(this.ms));
      case "DDDD":
        return String(dayOfYear(d)).padStart(3, "0");
      case "DDD":
        return String(dayOfYear(d));
      case "W":
        return isoWeekDate(d);
      default:
        // S, SS, SSS…: fractions of a second.
        if (t.startsWith("S"))
          return String(d.getUTCMilliseconds()).padStart(3, "0").padEnd(t.length, "0").slice(0, t.length);
        return t;
    }
  }

  /** ISO 8601 with the zone offset, as Arrow writes it (microseconds only when there are any). */
  isoformat(): string {
    const ms = this.local.getUTCMilliseconds();
    return this.format(ms ? "YYYY-MM-DD[T]HH:mm:ss.SSS[000]ZZ" : "YYYY-MM-DD[T]HH:mm:ssZZ");
  }

  /** Arrow's `humanize()`: "just now", "in 3 days", "6 years ago", measured from `other` or the render's clock. */
  humanize(other?: unknown): string {
    const from = other instanceof TemplateDate ? other.ms : (this.now ?? Date.now());
    return humanizeDelta(Math.round((this.ms - from) / 1000));
  }

  /** Arrow's `shift(days=-1, …)`: a new date moved by calendar units in the site's time zone. */
  shift(kw: Record<string, unknown> = {}): TemplateDate {
    const n = (k: string) => (typeof kw[k] === "number" ? (kw[k] as number) : 0);
    const d = new Date(this.local.getTime());
    if (n("years") || n("months")) {
      const day = d.getUTCDate();
      d.setUTCDate(1);
      d.setUTCMonth(d.getUTCMonth() + n("months") + 12 * n("years"));
      // Arrow keeps the day, or the month's last day when it has fewer.
      const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
      d.setUTCDate(Math.min(day, last));
    }
    d.setUTCDate(d.getUTCDate() + n("days") + 7 * n("weeks"));
    const wall = d.getTime() + n("hours") * 3_600_000 + n("minutes") * 60_000 + n("seconds") * 1000;
    return new TemplateDate(
      zonedToUtc(wall, this.timeZone) + n("microseconds") / 1000,
      this.timeZone,
      this.now,
    );
  }

  /** The same instant in another zone (`date.to('UTC')`). */
  to(timeZone: string): TemplateDate {
    return new TemplateDate(this.ms, timeZone === "local" ? this.timeZone : timeZone, this.now);
  }

  /** Python's `datetime.weekday()`: Monday is 0. */
  weekday(): number {
    return (this.local.getUTCDay() + 6) % 7;
  }

  /** Python's `datetime.isoweekday()`: Monday is 1. */
  isoweekday(): number {
    return this.weekday() + 1;
  }

  /** Arrow's calls with their signatures, so a misspelt argument (`shift(day=1)`) is reported: see `callable.ts`. */
  [CALLS](key: string): MemberCall | undefined {
    switch (key) {
      case "format":
        return {
          sig: sig("date.format()", ["fmt", "locale"]),
          call: (kw) => this.format(kw.fmt === undefined ? undefined : String(kw.fmt)),
        };
      case "humanize":
        return {
          sig: sig("date.humanize()", ["other", "locale", "only_distance", "granularity"]),
          call: (kw) => this.humanize(kw.other),
        };
      case "shift":
        return { sig: sig("date.shift()", [], SHIFT_UNITS), call: (kw) => this.shift(kw) };
      case "to":
        return { sig: sig("date.to()", ["tz"]), call: (kw) => this.to(String(kw.tz ?? "UTC")) };
      default:
        return undefined;
    }
  }

  /** Comparisons (`entry.date < other.date`) compare instants. */
  valueOf(): number {
    return this.ms;
  }

  /** RFC 822, for RSS. */
  rfc822(): string {
    return this.format("ddd, DD MMM YYYY HH:mm:ss Z");
  }

  /** Seconds since the epoch. */
  get timestamp(): number {
    return Math.floor(this.ms / 1000);
  }

  get year(): number {
    return this.local.getUTCFullYear();
  }

  get month(): number {
    return this.local.getUTCMonth() + 1;
  }

  get day(): number {
    return this.local.getUTCDate();
  }

  get hour(): number {
    return this.local.getUTCHours();
  }

  get minute(): number {
    return this.local.getUTCMinutes();
  }

  get second(): number {
    return this.local.getUTCSeconds();
  }

  /** Printed as Arrow prints itself: ISO 8601. */
  toString(): string {
    return this.isoformat();
  }
}

/** The units of Arrow's `shift`, for keyword-argument checks. */
export const DATE_SHIFT_UNITS: readonly string[] = SHIFT_UNITS;

/** Arrow's English `humanize()` for a difference in seconds (positive: in the future). */
export function humanizeDelta(delta: number): string {
  const diff = Math.abs(delta);
  const say = (text: string) => (delta < 0 ? `${text} ago` : `in ${text}`);
  const plural = (n: number, unit: string) => say(`${n} ${unit}`);
  if (diff < 10) return "just now";
  if (diff < 45) return plural(diff, "seconds");
  if (diff < 90) return say("a minute");
  if (diff < 2700) return plural(Math.max(Math.floor(diff / 60), 2), "minutes");
  if (diff < 5400) return say("an hour");
  if (diff < 79200) return plural(Math.max(Math.floor(diff / 3600), 2), "hours");
  if (diff < 129600) return say("a day");
  if (diff < 554400) return plural(Math.max(Math.ceil(diff / 86400), 2), "days");
  if (diff < 907200) return say("a week");
  if (diff < 2419200) return plural(Math.max(Math.floor(diff / 604800), 2), "weeks");
  if (diff < 3888000) return say("a month");
  if (diff < 29808000) return plural(Math.max(Math.round(diff / 2629800), 2), "months");
  if (diff < 47260800) return say("a year");
  return plural(Math.max(Math.floor(diff / 31536000), 2), "years");
}

function dayOfYear(d: Date): number {
  return Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** Arrow's `W`: the ISO week date, `2024-W10-2`. */
function isoWeekDate(d: Date): string {
  const day = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}-${day + 1}`;
}

type PatternPart = { literal: string; token?: undefined } | { literal?: undefined; token: string };

// Templates format thousands of dates with the same few patterns: each is split into its parts once.
const PATTERNS = new Map<string, PatternPart[]>();
const MAX_PATTERNS = 256;

function patternParts(pattern: string): PatternPart[] {
  let parts = PATTERNS.get(pattern);
  if (parts) return parts;
  parts = [];
  let last = 0;
  for (const m of pattern.matchAll(TOKENS)) {
    if (m.index > last) parts.push({ literal: pattern.slice(last, m.index) });
    parts.push(m[1] !== undefined ? { literal: m[1] } : { token: m[0] });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) parts.push({ literal: pattern.slice(last) });
  if (PATTERNS.size >= MAX_PATTERNS) PATTERNS.clear();
  PATTERNS.set(pattern, parts);
  return parts;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function hour12(h24: number): number {
  return h24 % 12 === 0 ? 12 : h24 % 12;
}

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return "th";
  return ["th", "st", "nd", "rd"][n % 10] ?? "th";
}
