// Entry headers in both styles: every header Quire interprets, names in any case, repeats, folded lines,
// custom headers, statuses, titles and categories.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENTRY_STATUSES, getHeader, getHeaders } from "../../src/content/entry-record.js";
import { guessTitle, parseEntry, type ParseEntryOptions } from "../../src/content/parse-entry.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/entries/${name}`, import.meta.url));
const parse = (text: string, options: Partial<ParseEntryOptions> = {}) =>
  parseEntry(Buffer.from(text, "utf8"), { file: "blog/post.md", ...options });

describe("Publ-style headers", () => {
  it("reads every header Quire interprets", () => {
    const { record, problems } = parseEntry(fixture("publ-every-header.md"), {
      file: "blog/every-header.md",
      category: "blog",
    });
    expect(problems).toEqual([]);
    expect(record).toMatchObject({
      headerStyle: "publ",
      format: "markdown",
      title: "Every header Quire reads",
      sortTitle: "Every header, sorted",
      date: Date.parse("2025-04-01T17:00:00Z"),
      lastModified: Date.parse("2025-04-02T15:30:00Z"),
      entryId: 4021,
      uuid: "6f1c2a0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
      category: "reference/headers",
      status: "PUBLISHED",
      slugText: "every-header",
      redirectTo: "https://example.com/elsewhere",
      pathAliases: ["/old/every-header.php", "/2019/04/every-header"],
      pathCanonical: "/reference/every-header",
      pathMounts: ["/mounted/every-header"],
      entryType: "reference",
      entryTemplate: "reference-entry",
      tags: ["Headers", "Reference, with a comma"],
      hiddenTags: ["internal"],
      summary: "One of every header, to check how each one is read.",
      attach: ["attachments/spec.md", "attachments/notes.md"],
      auth: "friends !strangers",
      body: "The body.\n",
      more: null,
      bodyLine: 26,
    });
    expect(getHeader(record.headers, "x-mood")).toBe("thorough");
    expect(record.headers.find((h) => h.key === "x-mood")).toMatchObject({ name: "X-Mood", line: 24 });
  });

  it("matches names case-insensitively and with _ for -", () => {
    const { record } = parse("title: lower\nENTRY-ID: 7\nentry_template: t\nSLUG_TEXT: s\n\nBody\n");
    expect(record).toMatchObject({ title: "lower", entryId: 7, entryTemplate: "t", slugText: "s" });
    expect(record.headers.map((h) => h.name)).toEqual(["title", "ENTRY-ID", "entry_template", "SLUG_TEXT"]);
  });

  it("keeps repeated headers in file order and uses the first for single-valued ones", () => {
    const { record } = parse("Title: First\nTag: one\nTitle: Second\nTag: two\nTag: ONE\n\nBody\n");
    expect(record.title).toBe("First");
    expect(getHeaders(record.headers, "Title")).toEqual(["First", "Second"]);
    expect(record.tags).toEqual(["one", "two"]);
  });

  it("folds continuation lines into the previous value with one space", () => {
    const { record, problems } = parseEntry(fixture("continuation.md"), { file: "continuation.md" });
    expect(problems).toEqual([]);
    expect(record.title).toBe("A title that goes on and on, folded with a tab too");
    expect(record.summary).toBe("First line second line");
    expect(getHeader(record.headers, "X-Empty")).toBe("filled in later");
    expect(record.body).toBe("Body.\n");
  });

  it("keeps unknown headers for templates, values trimmed", () => {
    const { record } = parse("Title: t\nX-Weather:   sunny  \nMood: calm: very\n\nBody");
    expect(getHeader(record.headers, "x-weather")).toBe("sunny");
    expect(getHeader(record.headers, "mood")).toBe("calm: very");
  });

  it("treats a file whose first line is not Name: value as having no headers", () => {
    const { record, problems } = parseEntry(fixture("no-headers.md"), { file: "notes/no-headers.md" });
    expect(problems).toEqual([]);
    expect(record.headerStyle).toBe("none");
    expect(record.headers).toEqual([]);
    expect(record.body.startsWith("# A Markdown heading first")).toBe(true);
    expect(record.bodyLine).toBe(1);
    expect(record.title).toBe("No Headers");
  });

  it("reports a non-header line inside the block and starts the body there, as Publ's parser does", () => {
    const { record, problems } = parseEntry(fixture("malformed-header.md"), { file: "malformed-header.md" });
    expect(record.tags).toEqual(["fine"]);
    expect(record.body).toBe("This line has no colon\n\nBody.\n");
    expect(record.bodyLine).toBe(3);
    expect(problems.map((p) => p.describe())).toEqual([
      'content/malformed-header.md:3: Line "This line has no colon" is not a header ' +
        "(expected Name: value, and a blank line before the body) (E_ENTRY_HEADER)",
    ]);
  });

  it("ends the header block at a whitespace-only line", () => {
    const { record } = parse("Title: t\n   \nNote: this is body text\n");
    expect(record.body).toBe("Note: this is body text\n");
    expect(record.headers).toHaveLength(1);
  });

  it("strips a BOM and reads CRLF files", () => {
    const bytes = Buffer.from("\ufeffTitle: BOM and CRLF\r\nTag: windows\r\n\r\nBody one.\r\n.....\r\nMore.\r\n");
    const { record } = parseEntry(bytes, { file: "bom.md" });
    expect(record).toMatchObject({ title: "BOM and CRLF", tags: ["windows"], body: "Body one.", more: "More.\n" });
  });
});

describe("YAML front matter", () => {
  it("maps every header to the same record as Publ style", () => {
    const { record, problems } = parseEntry(fixture("yaml-every-header.md"), { file: "blog/every-header.md" });
    const publ = parseEntry(fixture("publ-every-header.md"), { file: "blog/every-header.md" }).record;
    expect(problems).toEqual([]);
    expect(record.headerStyle).toBe("yaml");
    const { headers: _h, headerStyle: _s, entryId, uuid, lastModified, bodyLine, ...rest } = record;
    const { headers: _ph, headerStyle: _ps, entryId: _pi, uuid: _pu, lastModified: _pl, bodyLine: _pb, ...same } =
      publ;
    expect(rest).toEqual(same);
    expect({ entryId, uuid, lastModified, bodyLine }).toEqual({
      entryId: 4022,
      uuid: "0f8fad5b-d9cb-469f-a165-70867728950e",
      lastModified: Date.parse("2025-04-02T00:00:00Z"),
      bodyLine: 32,
    });
  });

  it("keeps keys as written, with line numbers; lists repeat, nested values become JSON", () => {
    const { record } = parseEntry(fixture("yaml-every-header.md"), { file: "x.md" });
    expect(record.headers.find((h) => h.key === "entry-id")).toEqual({
      name: "id",
      key: "entry-id",
      value: "4022",
      line: 6,
    });
    expect(record.headers.filter((h) => h.key === "tag").map((h) => [h.name, h.line])).toEqual([
      ["tags", 19],
      ["tags", 19],
    ]);
    expect(getHeader(record.headers, "gallery")).toBe('{"cover":"cover.jpg","count":3}');
    expect(getHeader(record.headers, "draft")).toBe("false");
  });

  it("reads YAML dates as text in the site time zone, not as YAML timestamps", () => {
    const { record } = parse("---\ndate: 2025-07-01\n---\n", { timeZone: "America/Los_Angeles" });
    expect(record.date).toBe(Date.parse("2025-07-01T07:00:00Z"));
    expect(getHeader(record.headers, "date")).toBe("2025-07-01");
  });

  it("takes a single tags string as one tag and accepts tag: too", () => {
    expect(parse("---\ntags: travel, food\n---\n").record.tags).toEqual(["travel, food"]);
    expect(parse("---\ntag: [a, b]\nTags: c\n---\n").record.tags).toEqual(["a", "b", "c"]);
  });

  it("accepts ---yaml and ---yml openers and empty front matter", () => {
    expect(parse("---yaml\ntitle: Y\n---\nBody").record.title).toBe("Y");
    expect(parse("---yml\ntitle: Y\n---\nBody").record.title).toBe("Y");
    const empty = parse("---\n---\nBody\n").record;
    expect(empty).toMatchObject({ headerStyle: "yaml", headers: [], body: "Body\n", bodyLine: 3 });
  });

  it("reads empty values as absent and multi-line values as text", () => {
    const { record, problems } = parse("---\ntitle:\nsummary: |\n  Line one.\n  Line two.\nentry-id: ''\n---\n");
    expect(problems).toEqual([]);
    expect(record).toMatchObject({ title: "Post", summary: "Line one.\nLine two.", entryId: null });
  });

  it("takes keys named like Object properties as plain headers", () => {
    const { record } = parse("---\n__proto__: {polluted: 1}\nconstructor: x\ntitle: T\n---\n");
    expect(record.headers.map((h) => [h.name, h.key])).toEqual([
      ["__proto__", "-proto-"],
      ["constructor", "constructor"],
      ["title", "title"],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("treats ---- as a Markdown rule, not front matter", () => {
    expect(parse("----\nText\n").record).toMatchObject({ headerStyle: "none", body: "----\nText\n" });
  });
});

describe("Status", () => {
  it.each(ENTRY_STATUSES.map((s) => [s]))("accepts %s in any case", (status) => {
    for (const written of [status, status.toLowerCase(), status[0] + status.slice(1).toLowerCase()]) {
      const { record, problems } = parse(`Title: t\nStatus: ${written}\n\nBody`);
      expect(problems).toEqual([]);
      expect(record.status).toBe(status);
    }
  });

  it("defaults to SCHEDULED", () => {
    expect(parse("Title: t\n\nBody").record.status).toBe("SCHEDULED");
    expect(parse("Title: t\nStatus:\n\nBody").record.status).toBe("SCHEDULED");
  });

  it("keeps an unknown status as DRAFT and says what is allowed", () => {
    const { record, problems } = parseEntry(fixture("unknown-status.md"), { file: "blog/unknown-status.md" });
    expect(record.status).toBe("DRAFT");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "E_ENTRY_STATUS", line: 2, field: "Status" });
    expect(problems[0]?.describe()).toMatch(
      /^content\/blog\/unknown-status\.md:2: Status "Publish" is not a status \(expected one of DRAFT, .*TEAPOT\)/,
    );
  });
});

describe("defaults and checks", () => {
  it("derives the title from the file name as Publ does, and Sort-Title from the title", () => {
    const { record } = parseEntry(Buffer.from(""), { file: "blog/my_first--post.md" });
    expect(record).toMatchObject({ title: "My First Post", sortTitle: "My First Post", body: "", more: null });
    expect(guessTitle("2nd-day_in lisbon.md")).toBe("2Nd Day In Lisbon");
    expect(guessTitle("ÉTÉ-à-paris.html")).toBe("Été À Paris");
  });

  it("takes the category from the folder unless a Category header overrides it", () => {
    expect(parseEntry(Buffer.from("Title: t\n\n"), { file: "blog/travel/x.md" }).record.category).toBe("blog/travel");
    expect(parseEntry(Buffer.from("Title: t\n\n"), { file: "x.md" }).record.category).toBe("");
    expect(parseEntry(Buffer.from("Title: t\n\n"), { file: "a/x.md", category: "b" }).record.category).toBe("b");
    expect(parse("Category: /notes//daily/\n\n").record.category).toBe("notes/daily");
    expect(parse("Category: /\n\n").record.category).toBe("");
    const climbing = parse("Category: ../secret\n\n");
    expect(climbing.record.category).toBe("blog");
    expect(climbing.problems[0]).toMatchObject({ code: "E_ENTRY_HEADER", field: "Category" });
  });

  it("checks Entry-ID and UUID, keeping the entry", () => {
    for (const bad of ["abc", "0", "-3", "4.5", "99999999999999999"]) {
      const { record, problems } = parse(`Title: t\nEntry-ID: ${bad}\n\n`);
      expect(record.entryId).toBeNull();
      expect(problems.map((p) => p.code)).toEqual(["E_ENTRY_ID"]);
      expect(problems[0]?.message).toBe(
        `Entry-ID "${bad}" is not an entry ID (expected a positive whole number, e.g. 42)`,
      );
    }
    const bad = parse("UUID: not-a-uuid\n\n");
    expect(bad.record.uuid).toBeNull();
    expect(bad.problems[0]).toMatchObject({ code: "E_ENTRY_UUID", line: 1, field: "UUID" });
    expect(parse("UUID: {0F8FAD5B-D9CB-469F-A165-70867728950E}\n\n").record.uuid).toBe(
      "0f8fad5b-d9cb-469f-a165-70867728950e",
    );
  });

  it("reports an unparseable Date or Last-Modified and leaves it unset", () => {
    const { record, problems } = parseEntry(fixture("bad-date.md"), { file: "blog/bad-date.md" });
    expect(record.date).toBeNull();
    expect(problems.map((p) => p.describe())).toEqual([
      'content/blog/bad-date.md:2: Date "next tuesday" is not a date (expected e.g. 2025-04-01 10:00:00-07:00); the entry is withheld until it is fixed (E_ENTRY_DATE)',
    ]);
    expect(record.status).toBe("DRAFT");
    const lm = parse("Last-Modified: someday\n\n");
    expect(lm.problems[0]).toMatchObject({ code: "E_ENTRY_DATE", field: "Last-Modified" });
  });

  it("reads naive dates in the site time zone", () => {
    const text = "Date: 2025-01-15 09:00\n\n";
    expect(parse(text).record.date).toBe(Date.parse("2025-01-15T09:00:00Z"));
    expect(parse(text, { timeZone: "Asia/Kolkata" }).record.date).toBe(Date.parse("2025-01-15T03:30:00Z"));
  });

  it("refuses a time zone that does not exist", () => {
    expect(() => parse("Title: t\n\n", { timeZone: "Mars/Olympus" })).toThrow(/not an IANA time zone/);
  });
});

describe("HTML entries", () => {
  it("read headers and the cut like Markdown entries", () => {
    const { record, problems } = parseEntry(fixture("html-entry.html"), { file: "notes/html-entry.html" });
    expect(problems).toEqual([]);
    expect(record).toMatchObject({
      format: "html",
      title: "An HTML entry",
      entryId: 4023,
      body: "<p>Written in <em>HTML</em>, headers and all.</p>",
      more: "<p>Below the cut.</p>\n",
    });
  });

  it("treat a document without headers as all body", () => {
    const { record } = parseEntry(fixture("html-no-headers.htm"), { file: "notes/Plain-Page.HTM" });
    expect(record).toMatchObject({ format: "html", headerStyle: "none", title: "Plain Page" });
    expect(record.body.startsWith("<!DOCTYPE html>")).toBe(true);
  });
});
