import { describe, it, expect } from "vitest";
import { specFromQuery, specFromKeywords, viewLink, makeSpec, MAX_TAGS } from "../../src/view/index.js";
import { QuireError } from "../../src/errors.js";

const q = (s: string) => new URLSearchParams(s);

function errorOf(run: () => unknown): QuireError {
  try {
    run();
  } catch (err) {
    if (err instanceof QuireError) return err;
    throw err;
  }
  throw new Error("expected a QuireError");
}

describe("specFromQuery", () => {
  const base = { category: "blog", count: 10 };

  it("reads ?date= in every form Publ accepts, into one canonical form", () => {
    expect(specFromQuery(q("date=2024"), base).date).toBe("2024");
    expect(specFromQuery(q("date=2024-03"), base).date).toBe("2024-03");
    expect(specFromQuery(q("date=2024-3"), base).date).toBe("2024-03");
    expect(specFromQuery(q("date=20240305"), base).date).toBe("2024-03-05");
    expect(specFromQuery(q("date=2024-03-06_w"), base).date).toBe("2024-03-04_w");
    expect(specFromQuery(q("date=2024-03"), base)).toEqual(makeSpec({ ...base, date: "2024-03" }));
  });

  it("reads ?id= as the page anchor, and lets a date win over it as Publ does", () => {
    expect(specFromQuery(q("id=123"), base).id).toBe(123);
    expect(specFromQuery(q("id=123&date=2024"), base)).toMatchObject({ id: null, date: "2024" });
  });

  it("reads repeated ?tag= and drops repeats that differ only in case", () => {
    expect(specFromQuery(q("tag=Travel&tag=food&tag=TRAVEL"), base).tag).toEqual(["Travel", "food"]);
  });

  it("accepts a parsed query object as well", () => {
    expect(specFromQuery({ id: "7", tag: ["a", "b"] }, base)).toMatchObject({ id: 7, tag: ["a", "b"] });
    expect(specFromQuery({ tag: "a" }, base).tag).toEqual(["a"]);
  });

  it("rejects bad values with E_BAD_REQUEST naming the parameter and the expected form", () => {
    for (const [query, field, expected] of [
      ["date=2024-13", "date", "YYYY-MM"],
      ["date=2023-02-29", "date", "YYYY-MM-DD"],
      ["date=yesterday", "date", "YYYY"],
      ["id=abc", "id", "entry ID"],
      ["id=-4", "id", "entry ID"],
      [Array.from({ length: MAX_TAGS + 1 }, (_, i) => `tag=t${i}`).join("&"), "tag", `at most ${MAX_TAGS}`],
    ] as const) {
      const err = errorOf(() => specFromQuery(q(query), base));
      expect(err.code).toBe("E_BAD_REQUEST");
      expect(err.status).toBe(400);
      expect(err.field).toBe(field);
      expect(err.message).toContain(expected);
    }
    expect(errorOf(() => specFromQuery(q("date=2024-13"), base)).message).toBe(
      'date "2024-13" is not valid: expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD_w',
    );
  });

  it("accepts 29 February in a leap year", () => {
    expect(specFromQuery(q("date=2024-02-29"), base).date).toBe("2024-02-29");
  });
});

describe("specFromKeywords", () => {
  it("reads Publ's keyword arguments as Nunjucks passes them", () => {
    const spec = specFromKeywords({
      __keywords: true,
      count: 10,
      recurse: true,
      tag: ["a", "B"],
      tag_filter: "all",
      order: "oldest",
      future: true,
      category: "/blog/",
      paging: "month",
      entry_type: "note",
    });
    expect(spec).toEqual(
      makeSpec({
        count: 10,
        recurse: true,
        tag: ["a", "B"],
        tagFilter: "ALL",
        order: "oldest",
        future: true,
        category: "blog",
        paging: "month",
        entryType: ["note"],
      }),
    );
  });

  it("merges over the page's spec, keeping its anchor", () => {
    const page = specFromQuery(q("id=42"), { category: "blog" });
    expect(specFromKeywords({ count: 5 }, page)).toMatchObject({ category: "blog", id: 42, count: 5 });
  });

  it("takes entries and categories as objects", () => {
    expect(specFromKeywords({ first: { id: 7 }, category: { path: "photos" } })).toMatchObject({
      first: 7,
      category: "photos",
    });
  });

  it("accepts Publ's synonyms for tag filters and offset paging", () => {
    expect(specFromKeywords({ tag_filter: "NOT" }).tagFilter).toBe("NONE");
    expect(specFromKeywords({ tagFilter: "or" }).tagFilter).toBe("ANY");
    expect(specFromKeywords({ paging: "offset" }).paging).toBeNull();
  });

  it("names an unknown argument with E_TEMPLATE", () => {
    const err = errorOf(() => specFromKeywords({ cuont: 10 }));
    expect(err.code).toBe("E_TEMPLATE");
    expect(err.message).toContain('unknown argument "cuont"');
  });

  it("names a bad value and what was expected", () => {
    expect(errorOf(() => specFromKeywords({ count: "ten" })).message).toBe(
      'view(): count must be a whole number above 0, not "ten"',
    );
    expect(errorOf(() => specFromKeywords({ order: "random" })).message).toContain("newest, oldest, title");
    expect(errorOf(() => specFromKeywords({ date: "2024-13" })).field).toBe("date");
    expect(errorOf(() => specFromKeywords({ recurse: "yes" })).code).toBe("E_TEMPLATE");
  });
});

describe("viewLink", () => {
  it("puts the date or the anchor first, then tags by key in a fixed order", () => {
    expect(viewLink(makeSpec({ category: "blog", id: 123 }), "/blog/")).toBe("/blog/?id=123");
    expect(viewLink(makeSpec({ date: "2024-03", id: 5 }), "/")).toBe("/?date=2024-03");
    expect(viewLink(makeSpec({ tag: ["b", "A"] }), "/")).toBe("/?tag=a&tag=b");
    expect(viewLink(makeSpec({ tag: ["New York"], id: 9 }), "/")).toBe("/?id=9&tag=new-york");
    expect(viewLink(makeSpec({ count: 10, order: "oldest" }), "/blog/")).toBe("/blog/");
  });

  it("gives the same URL for the same page however it was asked for", () => {
    const a = specFromQuery(q("tag=B&tag=a&date=2024-3"), {});
    const b = specFromQuery(q("date=2024-03&tag=A&tag=b"), {});
    expect(viewLink(a, "/")).toBe(viewLink(b, "/"));
    expect(viewLink(specFromQuery(q(viewLink(a, "/").slice(2)), {}), "/")).toBe(viewLink(a, "/"));
  });
});
