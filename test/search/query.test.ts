/** The query syntax: what readers type becomes FTS5 expressions made only of quoted words. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import Database from "better-sqlite3";
import { matchExpression, parseQuery, MAX_QUERY_CHARS } from "../../src/search/query.js";

function expr(q: string): string | null {
  return matchExpression(parseQuery(q));
}

describe("search query syntax", () => {
  it("reads words, phrases, prefixes, exclusions, title:, tag: and OR", () => {
    expect(expr("heron kettle")).toBe('"heron" AND "kettle"');
    expect(expr('"grey heron" dawn')).toBe('"grey heron" AND "dawn"');
    expect(expr("stat*")).toBe('"stat" *');
    expect(expr("heron -kettle")).toBe('("heron") NOT "kettle"');
    expect(expr("title:heron")).toBe('title : "heron"');
    expect(expr('title:"grey heron"')).toBe('title : "grey heron"');
    expect(expr("heron OR egret dawn")).toBe('("heron" OR "egret") AND "dawn"');
    const tagged = parseQuery('tag:Road  Trips tag:"Road Trips" -tag:fish');
    expect(tagged.tags).toEqual(["road", "road trips"]);
    expect(tagged.notTags).toEqual(["fish"]);
    expect(expr("don't")).toBe('"don t"');
  });

  it("has nothing to match for a query with no words", () => {
    for (const q of ["", "*", "-", '""', "NEAR(", "-heron", "\u0000"]) {
      const parsed = parseQuery(q);
      expect(parsed.all.length === 0 || q === "NEAR(", q).toBe(true);
    }
    expect(expr("NEAR(")).toBe('"near"');
  });

  it("drops control characters and reads at most MAX_QUERY_CHARS", () => {
    expect(parseQuery("her\u0000on").text).toBe("her on");
    expect(parseQuery("x".repeat(10_000)).text.length).toBe(MAX_QUERY_CHARS);
  });

  it("never gives FTS5 an expression it refuses (property)", () => {
    const db = new Database(":memory:");
    db.exec(
      "CREATE VIRTUAL TABLE s USING fts5(title, text, tags, tokenize = 'porter unicode61 remove_diacritics 2')",
    );
    db.prepare("INSERT INTO s VALUES ('a heron', 'kettle text', 'birds')").run();
    const stmt = db.prepare("SELECT count(*) FROM s WHERE s MATCH ?");
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (q) => {
        const e = expr(q);
        if (e !== null) stmt.get(e);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            '"',
            "-",
            "*",
            "(",
            ")",
            "NEAR",
            "OR",
            "AND",
            "NOT",
            ":",
            "title:",
            "tag:",
            "^",
            "heron",
            " ",
            "é",
            "{",
            "}",
            "+",
          ),
          { maxLength: 20 },
        ),
        (parts) => {
          const e = expr(parts.join(""));
          if (e !== null) stmt.get(e);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
