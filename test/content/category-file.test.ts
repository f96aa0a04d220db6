// Category files: Publ's convention (a .cat/.meta file describes its own folder), both header styles.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { guessCategoryName, parseCategoryFile } from "../../src/content/category-file.js";
import { getHeader } from "../../src/content/entry-record.js";

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/entries/categories/${name}`, import.meta.url));

describe("parseCategoryFile", () => {
  it("reads every category header and the Markdown description", () => {
    const cat = parseCategoryFile(fixture("blog.cat"), { file: "blog/blog.cat" });
    expect(cat).toMatchObject({
      file: "blog/blog.cat",
      path: "blog",
      name: "The Blog",
      sortName: "01 blog",
      indexTemplate: "blog-index",
      entryTemplate: "blog-entry",
      pathAliases: ["/weblog", "/journal"],
      description: "Notes on **Quire**, written as it is built.\n",
      headerStyle: "publ",
      problems: [],
    });
    expect(getHeader(cat.headers, "X-Banner")).toBe("banner.jpg");
  });

  it("describes the folder it sits in, whatever the file is called", () => {
    for (const file of ["blog/travel/travel.cat", "blog/travel/_.cat", "blog/travel/index.meta"]) {
      expect(parseCategoryFile(fixture("blog.cat"), { file }).path).toBe("blog/travel");
    }
    expect(parseCategoryFile(fixture("blog.cat"), { file: "site.cat" }).path).toBe("");
  });

  it("lets a Category header name another category", () => {
    const cat = parseCategoryFile(Buffer.from("Category: /photos/2025/\nName: 2025\n\n"), { file: "x.cat" });
    expect(cat.path).toBe("photos/2025");
  });

  it("reads YAML front matter too", () => {
    const cat = parseCategoryFile(fixture("photos.meta"), { file: "photos/photos.meta" });
    expect(cat).toMatchObject({
      path: "photos",
      name: "Photographs",
      sortName: "Photographs",
      pathAliases: ["/pictures"],
      description: "Pictures, with renditions made on demand.\n",
      headerStyle: "yaml",
    });
  });

  it("derives a name from the folder as Publ does when there is no Name", () => {
    const cat = parseCategoryFile(fixture("empty.cat"), { file: "road_trips/empty.cat" });
    expect(cat).toMatchObject({ name: "Road Trips", sortName: "Road Trips", description: "", indexTemplate: null });
    expect(guessCategoryName("")).toBe("");
    expect(guessCategoryName("blog/deep_dives")).toBe("Deep Dives");
  });

  it("reports a malformed header line and keeps going", () => {
    const cat = parseCategoryFile(Buffer.from("Name: Notes\nnot a header\n"), { file: "notes/notes.cat" });
    expect(cat.name).toBe("Notes");
    expect(cat.problems.map((p) => [p.code, p.line, p.file])).toEqual([
      ["E_CATEGORY_FILE", 2, "content/notes/notes.cat"],
    ]);
  });

  it("fails with E_CATEGORY_FILE on unreadable files, keeping the specific cause", () => {
    for (const bytes of [Buffer.from([0x4e, 0xff]), Buffer.from("---\nname: [\n---\n"), Buffer.from("---js\n---\n")]) {
      let caught: unknown;
      try {
        parseCategoryFile(bytes, { file: "bad/bad.cat" });
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ code: "E_CATEGORY_FILE", file: "content/bad/bad.cat" });
      expect((caught as Error).cause).toMatchObject({ code: expect.stringMatching(/^E_ENTRY_/) });
    }
  });
});
