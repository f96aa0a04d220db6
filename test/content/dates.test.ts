// Entry dates: the formats authors write, naive times in the site zone across DST, and the canonical form.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dateZone, formatDate, isValidTimeZone, parseDate, tryParseDate, zoneOffsetMs } from "../../src/content/dates.js";

const utc = (iso: string): number => Date.parse(iso);
const LA = "America/Los_Angeles";

describe("parseDate", () => {
  it.each([
    ["2025-04-01T10:00:00Z", "2025-04-01T10:00:00Z"],
    ["2025-04-01T10:00:00.250Z", "2025-04-01T10:00:00.250Z"],
    ["2025-04-01 10:00:00-07:00", "2025-04-01T17:00:00Z"],
    ["2025-04-01 10:00:00 -0700", "2025-04-01T17:00:00Z"],
    ["2025-04-01T10:00+05:30", "2025-04-01T04:30:00Z"],
    ["2025-04-01T10:00:00+05", "2025-04-01T05:00:00Z"],
    ["2025-04-01 10:00:00 UTC", "2025-04-01T10:00:00Z"],
    ["2025-04-01 10:00 Europe/Paris", "2025-04-01T08:00:00Z"],
    ["20250401T100000Z", "2025-04-01T10:00:00Z"],
    ["Tue, 01 Apr 2025 10:00:00 -0700", "2025-04-01T17:00:00Z"],
    ["Tue, 1 Apr 2025 10:00:00 GMT", "2025-04-01T10:00:00Z"],
    ["1 Apr 2025 10:00 PDT", "2025-04-01T17:00:00Z"],
    ["April 1, 2025 3:30 pm EST", "2025-04-01T20:30:00Z"],
  ])("reads %s with its own offset", (text, iso) => {
    expect(parseDate(text, LA)).toBe(utc(iso));
    expect(parseDate(text, "UTC")).toBe(utc(iso));
  });

  it.each([
    ["2025-04-01", "2025-04-01T00:00:00Z"],
    ["2025-4-1", "2025-04-01T00:00:00Z"],
    ["2025/04/01", "2025-04-01T00:00:00Z"],
    ["2025-04", "2025-04-01T00:00:00Z"],
    ["2025", "2025-01-01T00:00:00Z"],
    ["2025-04-01 10:00", "2025-04-01T10:00:00Z"],
    ["2025-04-01T10:00:30.5", "2025-04-01T10:00:30.500Z"],
    ["2025/04/01 9:05 pm", "2025-04-01T21:05:00Z"],
    ["April 1, 2025", "2025-04-01T00:00:00Z"],
    ["Apr 1 2025", "2025-04-01T00:00:00Z"],
    ["Sept. 3rd, 2025", "2025-09-03T00:00:00Z"],
    ["Tuesday, April 1, 2025 at 10:00 AM", "2025-04-01T10:00:00Z"],
    ["1 April 2025", "2025-04-01T00:00:00Z"],
    ["1 april 2025 12:00 am", "2025-04-01T00:00:00Z"],
    ["1 April 2025 12:30 PM", "2025-04-01T12:30:00Z"],
  ])("reads naive %s as site time", (text, iso) => {
    expect(parseDate(text, "UTC")).toBe(utc(iso));
  });

  it("reads naive times as wall-clock time in the site zone, on both sides of DST", () => {
    expect(parseDate("2025-01-15 09:00", LA)).toBe(utc("2025-01-15T17:00:00Z")); // PST, -8
    expect(parseDate("2025-07-15 09:00", LA)).toBe(utc("2025-07-15T16:00:00Z")); // PDT, -7
    expect(parseDate("2025-07-15", "Europe/London")).toBe(utc("2025-07-14T23:00:00Z"));
    expect(parseDate("2025-01-15 09:00", "Asia/Kathmandu")).toBe(utc("2025-01-15T03:15:00Z"));
  });

  it("reads a time skipped by spring-forward with the offset before the jump", () => {
    // 2025-03-09 02:30 does not exist in Los Angeles: clocks go 01:59:59 → 03:00.
    expect(parseDate("2025-03-09 02:30", LA)).toBe(utc("2025-03-09T10:30:00Z"));
    expect(formatDate(parseDate("2025-03-09 02:30", LA), LA)).toBe("2025-03-09 03:30:00-07:00");
  });

  it("reads a time repeated by fall-back as its first occurrence", () => {
    // 2025-11-02 01:30 happens twice in Los Angeles: first at -07:00, then at -08:00.
    expect(parseDate("2025-11-02 01:30", LA)).toBe(utc("2025-11-02T08:30:00Z"));
    expect(parseDate("2025-11-02 01:30-08:00", LA)).toBe(utc("2025-11-02T09:30:00Z"));
  });

  it.each([
    "next tuesday",
    "",
    "2025-13-01",
    "2025-02-29",
    "2025-04-31",
    "2025-04-01 24:00",
    "2025-04-01 10:60",
    "2025-04-01 10",
    "April 1, 2025 13:00 pm",
    "Smarch 1, 2025",
    "2025-04-01 10:00 +25:00",
    "2025-04-01 10:00 Mars/Olympus",
    "0000-01-01",
    `2025-04-01 ${"1".repeat(500)}`,
  ])("refuses %j", (text) => {
    expect(tryParseDate(text, "UTC")).toBeNull();
  });

  it("says what was expected", () => {
    expect(() => parseDate("next tuesday")).toThrow(
      'Date "next tuesday" is not a date (expected e.g. 2025-04-01 10:00:00-07:00)',
    );
    try {
      parseDate("soon", "UTC", "Last-Modified");
    } catch (err) {
      expect(err).toMatchObject({ code: "E_ENTRY_DATE", field: "Last-Modified" });
    }
  });

  it("accepts leap days and years before 100 correctly", () => {
    expect(parseDate("2024-02-29", "UTC")).toBe(utc("2024-02-29T00:00:00Z"));
    expect(new Date(parseDate("0099-06-01", "UTC")).getUTCFullYear()).toBe(99);
  });
});

describe("formatDate", () => {
  it("writes the canonical form in the site zone", () => {
    const ms = utc("2025-04-01T17:00:00.789Z");
    expect(formatDate(ms, "UTC")).toBe("2025-04-01 17:00:00+00:00");
    expect(formatDate(ms, LA)).toBe("2025-04-01 10:00:00-07:00");
    expect(formatDate(utc("2025-12-01T17:00:00Z"), LA)).toBe("2025-12-01 09:00:00-08:00");
    expect(formatDate(ms, "Asia/Kolkata")).toBe("2025-04-01 22:30:00+05:30");
  });

  it("round-trips through parseDate for any whole-second instant in any zone", () => {
    const zones = ["UTC", LA, "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"];
    fc.assert(
      fc.property(
        fc.integer({ min: utc("1950-01-01T00:00:00Z") / 1000, max: utc("2100-01-01T00:00:00Z") / 1000 }),
        fc.constantFrom(...zones),
        fc.constantFrom(...zones),
        (seconds, zone, siteZone) => {
          const ms = seconds * 1000;
          expect(parseDate(formatDate(ms, zone), siteZone)).toBe(ms);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("knows which zones exist", () => {
    expect(isValidTimeZone("America/Los_Angeles")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
});

describe("the zone a date was written in (shown as written, as Publ shows it)", () => {
  it("is the offset or zone the author wrote, or null for a naive date", () => {
    expect(dateZone("2025-01-01 13:37:00-0500")).toBe("-05:00");
    expect(dateZone("2025-01-01 13:37:00-0000")).toBe("+00:00");
    expect(dateZone("2025-01-01T13:37:00Z")).toBe("+00:00");
    expect(dateZone("2012-01-02 07:00:00+12:00")).toBe("+12:00");
    expect(dateZone("Tue, 1 Apr 2025 10:00:00 PDT")).toBe("-07:00");
    expect(dateZone("2025-04-01 10:00 Europe/Paris")).toBe("Europe/Paris");
    expect(dateZone("2025-01-01 13:37")).toBeNull();
    expect(dateZone("next tuesday")).toBeNull();
  });

  it("gives a fixed offset that zoneOffsetMs reads whatever the instant", () => {
    expect(zoneOffsetMs(Date.UTC(2025, 0, 1), "-05:00")).toBe(-5 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2025, 6, 1), "+05:30")).toBe(5.5 * 3600_000);
  });
});
