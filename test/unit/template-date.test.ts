// Dates in templates format with arrow's tokens in the site's time zone, as Publ's templates expect.
import { describe, expect, it } from "vitest";
import { TemplateDate, humanizeDelta } from "../../src/template/template-date.js";

// Tuesday 2024-03-05 07:04:09 UTC.
const MS = Date.UTC(2024, 2, 5, 7, 4, 9);

describe("TemplateDate.format", () => {
  it("writes every token, in UTC", () => {
    const d = new TemplateDate(MS, "UTC");
    expect(d.format("YYYY YY MMMM MMM MM M")).toBe("2024 24 March Mar 03 3");
    expect(d.format("DD D Do dddd ddd d")).toBe("05 5 5th Tuesday Tue 2");
    expect(d.format("HH H hh h mm m ss s A a")).toBe("07 7 07 7 04 4 09 9 AM am");
    expect(d.format("ZZ Z X")).toBe(`+00:00 +0000 ${MS / 1000}`);
    expect(d.format()).toBe("2024-03-05 07:04:09+00:00");
  });

  it("writes the wall time and offset of the site's zone", () => {
    const d = new TemplateDate(MS, "Asia/Kolkata");
    expect(d.format("YYYY-MM-DD HH:mm A ZZ Z")).toBe("2024-03-05 12:34 PM +05:30 +0530");
    const ny = new TemplateDate(MS, "America/New_York");
    expect(ny.format("dddd D MMMM, h:mm a ZZ")).toBe("Tuesday 5 March, 2:04 am -05:00");
    expect(ny.isoformat()).toBe("2024-03-05T02:04:09-05:00");
    expect(ny.rfc822()).toBe("Tue, 05 Mar 2024 02:04:09 -0500");
  });

  it("keeps bracketed text and everything that is not a token as written", () => {
    const d = new TemplateDate(MS, "UTC");
    expect(d.format("[Year] YYYY, [at] h[h]")).toBe("Year 2024, at 7h");
    expect(d.format("on [the] Do!")).toBe("on the 5th!");
    expect(d.format("the")).toBe("t7e");
    expect(d.format("")).toBe("");
    expect(d.format("[]")).toBe("");
  });

  it("gives each pattern its own result when many are used in turn", () => {
    const d = new TemplateDate(MS, "UTC");
    for (let i = 0; i < 600; i++) expect(d.format(`[${i}] YYYY`)).toBe(`${i} 2024`);
    expect(d.format("MMMM")).toBe("March");
  });

  it("uses ordinals and twelve-hour times at their edges", () => {
    const at = (day: number, hour: number) => new TemplateDate(Date.UTC(2024, 0, day, hour), "UTC");
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map((n) => at(n, 0).format("Do"))).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "23rd",
      "31st",
    ]);
    expect([0, 11, 12, 13, 23].map((h) => at(1, h).format("h A"))).toEqual([
      "12 AM",
      "11 AM",
      "12 PM",
      "1 PM",
      "11 PM",
    ]);
  });
});

describe("Arrow's date API", () => {
  it("humanizes as Arrow does in English, at each threshold", () => {
    const cases: Array<[number, string]> = [
      [0, "just now"],
      [-30, "30 seconds ago"],
      [60, "in a minute"],
      [-600, "10 minutes ago"],
      [3600, "in an hour"],
      [-5 * 3600, "5 hours ago"],
      [86400, "in a day"],
      [-3 * 86400, "3 days ago"],
      [7 * 86400, "in a week"],
      [-3 * 7 * 86400, "3 weeks ago"],
      [31 * 86400, "in a month"],
      [-100 * 86400, "3 months ago"],
      [365 * 86400, "in a year"],
      [-6 * 365 * 86400, "6 years ago"],
    ];
    for (const [seconds, text] of cases) expect(humanizeDelta(seconds), String(seconds)).toBe(text);
    const d = new TemplateDate(MS, "UTC", MS + 2 * 86400_000);
    expect(d.humanize()).toBe("2 days ago");
  });

  it("shifts by calendar units in the site's zone, keeping the wall time across a DST change", () => {
    const d = new TemplateDate(Date.UTC(2024, 2, 9, 17, 0), "America/New_York"); // 12:00 EST, the day before DST
    expect(d.shift({ days: 1 }).format("YYYY-MM-DD HH:mm ZZ")).toBe("2024-03-10 12:00 -04:00");
    expect(new TemplateDate(Date.UTC(2024, 0, 31), "UTC").shift({ months: 1 }).format("YYYY-MM-DD")).toBe(
      "2024-02-29",
    );
    expect(d.shift({ weeks: -1, hours: 2 }).format("YYYY-MM-DD HH:mm")).toBe("2024-03-02 14:00");
  });

  it("prints as ISO 8601 and compares as an instant", () => {
    const a = new TemplateDate(MS, "Asia/Kolkata");
    expect(String(a)).toBe("2024-03-05T12:34:09+05:30");
    expect(a.to("UTC").isoformat()).toBe("2024-03-05T07:04:09+00:00");
    expect(a < new TemplateDate(MS + 1000, "UTC")).toBe(true);
    expect([a.weekday(), a.isoweekday()]).toEqual([1, 2]);
  });
});
