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
    const d = this.local;
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    const h24 = d.getUTCHours();
    const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
    const sign = this.offsetMinutes < 0 ? "-" : "+";
    const abs = Math.abs(this.offsetMinutes);
    const day = d.getUTCDate();
    return pattern.replace(TOKENS, (t, literal: string | undefined) => {
      if (literal !== undefined) return literal;
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
          return pad(day);
        case "Do":
          return `${day}${ordinal(day)}`;
        case "D":
          return String(day);
        case "dddd":
          return DAYS[d.getUTCDay()]!;
        case "ddd":
          return DAYS[d.getUTCDay()]!.slice(0, 3);
        case "d":
          return String(d.getUTCDay());
        case "HH":
          return pad(h24);
        case "H":
          return String(h24);
        case "hh":
          return pad(h12);
        case "h":
          return String(h12);
        case "mm":
          return pad(d.getUTCMinutes());
        case "m":
          return String(d.getUTCMinutes());
        case "ss":
          return pad(d.getUTCSeconds());
        case "s":
          return String(d.getUTCSeconds());
        case "A":
          return h24 < 12 ? "AM" : "PM";
        case "a":
          return h24 < 12 ? "am" : "pm";
        case "ZZ":
          return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
        case "Z":
          return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
        case "X":
          return String(Math.floor(this.ms / 1000));
        default:
          return t;
      }
    });
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

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return "th";
  return ["th", "st", "nd", "rd"][n % 10] ?? "th";
}
