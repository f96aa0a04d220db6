import { describe, it, expect, afterEach } from "vitest";
import { writeFileSync, utimesSync, rmSync, renameSync, readFileSync, symlinkSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  openIndex,
  refreshIndex,
  ContentIndex,
  SCHEMA_VERSION,
  setMeta,
  computeGeneration,
  type Db,
} from "../../src/db/index.js";
import { derivedEntryId } from "../../src/content/entry-id.js";
import { makeSite, writeFiles, copySite, checksums, removeSite } from "../helpers/site-fixture.js";

const sites: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const s of sites.splice(0)) removeSite(s);
});

function site(files: Record<string, string | Buffer>): string {
  const root = makeSite(files);
  sites.push(root);
  return root;
}

function index(root: string, path = ":memory:") {
  const { db } = openIndex({ path });
  dbs.push(db);
  const run = (writeBack = false) =>
    refreshIndex({ db, contentDir: join(root, "content"), timeZone: "UTC", writeBack });
  return { db, run, q: new ContentIndex(db) };
}

const entry = (title: string, extra = "") =>
  `Title: ${title}\nDate: 2024-05-01 12:00:00+00:00\n${extra}\nBody of ${title}.\n`;

function idsOf(db: Db): Record<string, number> {
  const rows = db.prepare("SELECT file, id FROM entries ORDER BY file").all() as {
    file: string;
    id: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.file, r.id]));
}

describe("indexing a site", () => {
  it("indexes entries with their categories, tags (case-folded keys) and aliases", () => {
    const root = site({
      "content/blog/a.md": entry("A", "Tag: Road Trips\nTag: food\nPath-Alias: /old/a.php\n"),
      "content/blog/travel/b.md": entry("B", "Tag: road trips\n"),
      "content/c.md": entry("C"),
    });
    const { run, q, db } = index(root);
    const s = run();
    expect(s.entries).toBe(3);
    expect(s.problems).toEqual([]);
    const a = q.entryByFile("blog/a.md")!;
    expect(a.category).toBe("blog");
    expect(a.id).toBe(derivedEntryId("blog/a.md"));
    expect(q.tags("blog/a.md")).toEqual(["Road Trips", "food"]);
    const keys = db.prepare("SELECT DISTINCT tag_key FROM entry_tags ORDER BY tag_key").all();
    expect(keys).toEqual([{ tag_key: "food" }, { tag_key: "road-trips" }]);
    expect(q.alias("/old/a.php")).toEqual({ file: "blog/a.md", kind: "alias", template: null });
    expect(q.categories()).toEqual(["", "blog", "blog/travel"]);
  });

  it("keeps explicit Entry-IDs and reports duplicates naming both files", () => {
    const root = site({
      "content/a.md": entry("A", "Entry-ID: 12\n"),
      "content/b.md": entry("B", "Entry-ID: 12\n"),
    });
    const { run, q } = index(root);
    const s = run();
    expect(q.entryByFile("a.md")!.id).toBe(12);
    expect(q.entryByFile("b.md")!.id).toBe(derivedEntryId("b.md"));
    const dup = s.problems.filter((p) => p.code === "E_ENTRY_DUPLICATE_ID").map((p) => p.file);
    expect(dup.sort()).toEqual(["content/a.md", "content/b.md"]);
  });
});

describe("ID and generation stability", () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`content/cat${i % 4}/post-${i}.md`] = entry(`Post ${i}`);

  it("a fresh checkout (new mtimes, same bytes) gives the same IDs and the same generation", () => {
    const root = site(files);
    const a = index(root);
    const sa = a.run();
    const copy = copySite(root);
    sites.push(copy);
    const b = index(copy);
    const sb = b.run();
    expect(idsOf(b.db)).toEqual(idsOf(a.db));
    expect(sb.generation).toBe(sa.generation);
  });

  it("adding 100 unrelated files changes no existing ID", () => {
    const root = site(files);
    const { run, db } = index(root);
    run();
    const before = idsOf(db);
    const more: Record<string, string> = {};
    for (let i = 0; i < 100; i++) more[`content/extra/new-${i}.md`] = entry(`New ${i}`);
    writeFiles(root, more);
    run();
    const after = idsOf(db);
    for (const [file, id] of Object.entries(before)) expect(after[file]).toBe(id);
    expect(Object.keys(after)).toHaveLength(140);
  });

  it("the generation changes exactly when content changes", () => {
    const root = site(files);
    const { run } = index(root);
    const g1 = run().generation;
    expect(run().generation).toBe(g1);
    const p = join(root, "content/cat0/post-0.md");
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    const touched = run();
    expect(touched.generation).toBe(g1);
    expect(touched.touched).toBe(1);
    writeFileSync(p, entry("Post 0 edited"));
    const edited = run();
    expect(edited.generation).not.toBe(g1);
    expect(edited.changed).toBe(true);
  });
});

describe("a first index of a large site", () => {
  // Enough files for the first index to take its bulk path (secondary indexes built after the rows).
  const files: Record<string, string> = {
    "content/cat1/cat1.cat": "Name: Category One\nPath-Alias: /one\n\nAbout it.\n",
  };
  for (let i = 0; i < 700; i++) {
    const extra = [
      i % 3 === 0 ? `Tag: Topic ${i % 7}\nTag: topic ${i % 7}\nHidden-Tag: h${i % 2}\n` : "",
      i % 5 === 0 ? `Entry-ID: ${1000 + (i % 50)}\n` : "", // some explicit IDs, several of them duplicates
      i % 11 === 0 ? `UUID: 0f8fad5b-d9cb-469f-a165-70867728${String(950 + (i % 4)).padStart(4, "0")}\n` : "",
      i % 13 === 0 ? `Path-Alias: /old/${i}.php\n` : "",
      i === 7
        ? "Date: someday\n"
        : i % 9 === 0
          ? ""
          : `Date: 2024-05-${String(1 + (i % 28)).padStart(2, "0")} 12:00:00\n`,
      i % 17 === 0 ? "Status: DRAFT\n" : "",
    ].join("");
    files[`content/cat${i % 4}/post-${i}.md`] =
      `Title: Post *${i}*\n${extra}\nBody ${i}.\n${i % 4 === 0 ? "\n.....\n\nMore.\n" : ""}`;
  }

  function dump(db: Db) {
    const all = (sql: string) => db.prepare(sql).all();
    return {
      // An entry without a usable Date is dated by its file's mtime, which differs between the two copies.
      entries: (
        all("SELECT * FROM entries ORDER BY file") as { date: number | null; date_explicit: number }[]
      ).map((e) => ({
        ...e,
        date: e.date_explicit ? e.date : null,
        page_date: e.date_explicit ? (e as { page_date?: number }).page_date : null,
      })),
      tags: all("SELECT file, tag_key, tag_name, hidden FROM entry_tags ORDER BY file, tag_key"),
      aliases: all("SELECT * FROM aliases ORDER BY path, file"),
      categories: all("SELECT * FROM category_files ORDER BY file"),
      problems: all("SELECT * FROM problems ORDER BY file, code, message"),
      files: all("SELECT path, kind, size, hash FROM files ORDER BY path"),
      indexes: all("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"),
    };
  }

  it("stores exactly what indexing the same files a few at a time stores", () => {
    const root = site(files);
    const bulk = index(root);
    const summary = bulk.run();
    expect(summary.entries).toBe(700);
    expect(summary.problems.some((p) => p.code === "E_ENTRY_DUPLICATE_ID")).toBe(true);
    expect(summary.problems.some((p) => p.code === "E_ENTRY_DATE")).toBe(true);

    // The same site grown in steps: every refresh after the first takes the incremental path.
    const steps = site({});
    const grown = index(steps);
    const names = Object.keys(files);
    for (let from = 0; from < names.length; from += 150) {
      writeFiles(steps, Object.fromEntries(names.slice(from, from + 150).map((n) => [n, files[n]!])));
      grown.run();
    }
    const last = grown.run();
    expect(last.generation).toBe(summary.generation);
    expect(dump(grown.db)).toEqual(dump(bulk.db));
    expect((dump(bulk.db).indexes as { name: string }[]).map((i) => i.name)).toContain(
      "entries_category_date",
    );
  });
});

describe("the generation of a first index", () => {
  it("is the one computed from the index, also where UTF-16 and UTF-8 put paths in different orders", () => {
    // U+FF21 sorts after U+1F600 by UTF-16 code units (the scan's order) but before it in UTF-8 (SQLite's).
    const root = site({
      "content/\u{1F600}.md": entry("Smile"),
      "content/\uFF21.md": entry("Wide A"),
      "content/plain.md": entry("Plain"),
    });
    const { run, db } = index(root);
    expect(run().generation).toBe(computeGeneration(db));
    const plain = site({ "content/a.md": entry("A"), "content/b/c.md": entry("C") });
    const second = index(plain);
    expect(second.run().generation).toBe(computeGeneration(second.db));
  });
});

describe("incremental refresh", () => {
  it("reads nothing when nothing changed, re-parses only changed bytes, prunes deleted files", () => {
    const root = site({ "content/a.md": entry("A"), "content/b.md": entry("B"), "content/c.md": entry("C") });
    const { run, q } = index(root);
    expect(run().added).toBe(3);
    const quiet = run();
    expect([quiet.added, quiet.updated, quiet.removed, quiet.touched]).toEqual([0, 0, 0, 0]);
    writeFileSync(join(root, "content/a.md"), entry("A2"));
    rmSync(join(root, "content/b.md"));
    renameSync(join(root, "content/c.md"), join(root, "content/d.md"));
    const s = run();
    expect([s.added, s.updated, s.removed]).toEqual([1, 1, 2]);
    expect(q.entryByFile("a.md")!.title).toBe("A2");
    expect(q.entryByFile("b.md")).toBeNull();
    expect(q.entryByFile("d.md")!.title).toBe("C");
  });
});

describe("the index file", () => {
  it("is rebuilt when its schema version differs", () => {
    const root = site({ "content/a.md": entry("A") });
    const path = join(root, ".quire/index.db");
    const first = index(root, path);
    first.run();
    setMeta(first.db, "schema_version", String(SCHEMA_VERSION - 1));
    first.db.close();
    dbs.splice(dbs.indexOf(first.db), 1);
    const { db, reason } = openIndex({ path });
    dbs.push(db);
    expect(reason).toBe("rebuilt-schema");
    const s = refreshIndex({ db, contentDir: join(root, "content"), timeZone: "UTC" });
    expect(s.entries).toBe(1);
  });

  it("is rebuilt when the file is corrupt, never fatal", () => {
    const root = site({ "content/a.md": entry("A") });
    const path = join(root, ".quire/index.db");
    mkdirSync(join(root, ".quire"));
    writeFileSync(path, Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(4096, 0x41)]));
    const { db, reason } = openIndex({ path });
    dbs.push(db);
    expect(reason).toBe("rebuilt-corrupt");
    expect(refreshIndex({ db, contentDir: join(root, "content"), timeZone: "UTC" }).entries).toBe(1);
  });
});

describe("bad input: reported by file, skipped, everything else indexed, nothing written", () => {
  it("handles the whole list in one site", () => {
    const bomb = ["---", "a: &a [x,x,x,x,x,x,x,x,x]"]
      .concat(
        ["b", "c", "d", "e", "f", "g", "h", "i"].map(
          (k, i) =>
            `${k}: &${k} [${Array(9)
              .fill(`*${i === 0 ? "a" : "abcdefgh"[i - 1]}`)
              .join(",")}]`,
        ),
      )
      .concat(["---", "body"])
      .join("\n");
    const root = site({
      "content/good.md": entry("Good"),
      "content/bad/invalid-utf8.md": Buffer.from([
        0x54, 0x69, 0x74, 0x6c, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a, 0x0a, 0x78,
      ]),
      "content/bad/binary.md": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]),
      "content/bad/unterminated.md": "---\ntitle: x\nno end\n",
      "content/bad/js.md": "---js\n{ title: (globalThis.__quirePwned = true, 'x') }\n---\nbody\n",
      "content/bad/bomb.md": bomb,
      "content/bad/status.md": entry("S", "Status: SOMETIMES\n"),
      "content/bad/date.md": "Title: D\nDate: next tuesday\n\nbody\n",
      "content/bad/huge.md": Buffer.alloc(9 * 1024 * 1024, 0x61),
    });
    symlinkSync(join(root, "content"), join(root, "content/bad/loop"));
    const before = checksums(join(root, "content"));
    const { run, q } = index(root);
    const s = run(true);
    const codes = Object.fromEntries(s.problems.map((p) => [p.file, p.code]));
    expect(codes).toMatchObject({
      "content/bad/invalid-utf8.md": "E_ENTRY_ENCODING",
      "content/bad/binary.md": "E_ENTRY_BINARY",
      "content/bad/unterminated.md": "E_ENTRY_FRONT_MATTER",
      "content/bad/js.md": "E_ENTRY_FRONT_MATTER_ENGINE",
      "content/bad/bomb.md": "E_ENTRY_YAML",
      "content/bad/status.md": "E_ENTRY_STATUS",
      "content/bad/date.md": "E_ENTRY_DATE",
      "content/bad/huge.md": "E_ENTRY_TOO_LARGE",
      "content/bad/loop": "E_ENTRY_SYMLINK_LOOP",
    });
    expect((globalThis as Record<string, unknown>).__quirePwned).toBeUndefined();
    expect(q.entryByFile("good.md")!.title).toBe("Good");
    // Write-back was on: only the good file (which lacked Entry-ID and UUID) changed; no file with a problem was touched.
    const after = checksums(join(root, "content"));
    for (const [file, sum] of Object.entries(before))
      if (file !== "good.md") expect(after[file], file).toBe(sum);
    expect(readFileSync(join(root, "content/good.md"), "utf8")).toMatch(
      /^Title: Good\nDate: .*\nEntry-ID: \d{7}\nUUID: [0-9a-f-]{36}\n\nBody of Good\.\n$/,
    );
  });

  it("reports an unreadable file and picks it up once it is readable again", () => {
    const root = site({ "content/a.md": entry("A"), "content/locked.md": entry("Locked") });
    const { run } = index(root);
    const p = join(root, "content/locked.md");
    // Root ignores file modes: make the path unreadable by turning it into a directory-like obstacle instead.
    rmSync(p);
    symlinkSync(join(root, "content/nowhere.md"), p);
    const s = run();
    expect(s.entries).toBe(1);
    expect(s.problems.map((p) => [p.file, p.code])).toEqual([["content/locked.md", "E_ENTRY_READ"]]);
    rmSync(p);
    writeFileSync(p, entry("Locked"));
    expect(run().entries).toBe(2);
  });
});
