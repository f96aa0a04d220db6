/** Dates in templates, in the manner of Publ's arrow objects: `entry.date.format('MMMM D, YYYY')`, `entry.date.isoformat()`. */
import { zoneOffsetMs, MONTHS } from "../content/dates.js";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const TOKENS = /\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DDDD|DD|Do|D|dddd|ddd|d|HH|H|hh|h|mm|m|ss|s|A|a|ZZ|Z|X/g;

/** A point in time shown in the site's time zone. */
export class TemplateDate {
  readonly ms: number;
  readonly timeZone: string;
  private readonly local: Date;
  private readonly offsetMinutes: number;

  constructor(ms: number, timeZone: string) {
    this.ms = ms;
    this.timeZone = timeZone;
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
      default:
        return t;
    }
  }

  /** ISO 8601 with the zone offset, for `<time datetime>` and feeds. */
  isoformat(): string {
    return this.format("YYYY-MM-DD[T]HH:mm:ssZZ");
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

  toString(): string {
    return this.format("MMMM D, YYYY");
  }
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
