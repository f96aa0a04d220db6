/** The URL space, fuzzed (issue 21): whatever the path — `..`, encodings, slashes, NULs, symlinks, trailing
 *  slashes, dot-files — no response carries a byte of a draft, of a scheduled entry before its date, of a
 *  category file, or of a file outside the site. In-process server on 127.0.0.1, a bounded number of runs. */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import fc from "fast-check";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { rawGet } from "../helpers/raw-request.js";

const RUNS = 600;

// Every marker names something no URL may show; each appears only in such a place.
const MARKERS = [
  "DRAFTTITLE7Q",
  "DRAFTBODY7Q",
  "LATERTITLE7Q",
  "LATERBODY7Q",
  "CATFILE7Q",
  "METAFILE7Q",
  "HTMLDRAFT7Q",
  "OUTSIDE7Q",
  "OUTENTRY7Q",
  "CONFIG7Q",
  "DOTFILE7Q",
  "BACKUP7Q",
];
const LEAK = new RegExp(MARKERS.join("|"));

let root: string;
let outside: string;
let t: TestServer;

beforeAll(async () => {
  outside = mkdtempSync(join(tmpdir(), "quire-fuzz-outside-"));
  writeFileSync(join(outside, "secret.txt"), "OUTSIDE7Q\n");
  mkdirSync(join(outside, "dir"));
  writeFileSync(
    join(outside, "dir", "leak.md"),
    "Title: Leak OUTENTRY7Q\nEntry-ID: 40\nDate: 2024-01-01\n\nOUTENTRY7Q\n",
  );
  writeFileSync(join(outside, "dir", "leak.txt"), "OUTSIDE7Q\n");
  root = makeSite({
    "quire.toml": `# CONFIG7Q\n[site]\ntitle = "Fuzz"\n`,
    "static/style.css": "body { color: black }\n",
    "static/.env": "DOTFILE7Q\n",
    "content/blog/blog.cat": "Name: Blog\nInternal-Note: CATFILE7Q\n\nThe blog.\n",
    "content/photos/photos.meta": "Name: Photos\nInternal-Note: METAFILE7Q\n\nPhotos.\n",
    "content/blog/hello.md": "Title: Hello\nEntry-ID: 1\nDate: 2024-01-01\nTag: a\n\nHello, world.\n",
    "content/blog/draft.md": "Title: Draft DRAFTTITLE7Q\nEntry-ID: 2\nStatus: DRAFT\nTag: a\n\nDRAFTBODY7Q\n",
    "content/blog/draft.md~": "Title: Draft\n\nBACKUP7Q\n",
    "content/blog/.draft.md.swp": "BACKUP7Q\n",
    "content/blog/later.md":
      "Title: Later LATERTITLE7Q\nEntry-ID: 3\nDate: 2999-01-01\nTag: a\n\nLATERBODY7Q\n",
    "content/notes/page.html": "Title: Page\nEntry-ID: 4\nStatus: DRAFT\n\n<p>HTMLDRAFT7Q</p>\n",
    "content/notes/.hidden.txt": "DOTFILE7Q\n",
    "content/photos/pic.txt": "a plain asset\n",
    "content/photos/notes.md.txt": "also a plain asset\n",
  });
  symlinkSync(join(outside, "secret.txt"), join(root, "content", "passwd.txt"));
  symlinkSync(join(outside, "secret.txt"), join(root, "static", "passwd"));
  symlinkSync(join(outside, "dir"), join(root, "content", "linked"));
  symlinkSync("../content/blog/draft.md", join(root, "static", "draft.txt"));
  symlinkSync("draft.md", join(root, "content", "blog", "alias.txt"));
  t = await serveSite(root);
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
  rmSync(outside, { recursive: true, force: true });
});

const NAMES = [
  "blog",
  "photos",
  "notes",
  "linked",
  "draft.md",
  "draft.md~",
  ".draft.md.swp",
  "later.md",
  "hello.md",
  "blog.cat",
  "photos.meta",
  "page.html",
  "pic.txt",
  "notes.md.txt",
  "passwd.txt",
  "passwd",
  "draft.txt",
  "alias.txt",
  "leak.md",
  "leak.txt",
  ".hidden.txt",
  ".env",
  "quire.toml",
  "content",
  "static",
  "_file",
  "_img",
  "1",
  "2",
  "3",
  "4",
  "40",
  "2-draft",
  "3-later",
  "1-hello",
  "feed",
  "sitemap.xml",
  "archive",
  "index",
  "..",
  ".",
  "",
  "....",
];

const hex = (c: string) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0");

/** Ways to write one segment: as is, percent-encoded in part or whole, double-encoded, cased, suffixed. */
const spelled = (name: string) =>
  fc
    .constantFrom<(s: string) => string>(
      (s) => s,
      (s) => s,
      (s) => s.replace(/\./g, "%2e"),
      (s) => s.replace(/\./g, "%2E"),
      (s) => s.replace(/\./g, "%252e"),
      (s) => [...s].map(hex).join(""),
      (s) => s.toUpperCase(),
      (s) => `${s}%00`,
      (s) => `${s}%00.txt`,
      (s) => `${s}.`,
      (s) => `${s}%20`,
      (s) => `${s}%2F`,
      (s) => `${s}%5C`,
      (s) => `${s}\\`,
      (s) => `${s}::$DATA`,
    )
    .map((f) => f(name));

const junk = fc.string({
  unit: fc.constantFrom(..."ab.%2eEfF0/\\_-~".split("")),
  maxLength: 8,
});

const segment = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NAMES).chain(spelled) },
  { weight: 1, arbitrary: junk },
);

const separator = fc.constantFrom("/", "/", "/", "//", "%2F", "%2f", "/./", "/%2e/");

const urlPath = fc
  .tuple(
    fc.constantFrom(
      "/",
      "/_file/",
      "/static/",
      "/_img/",
      "/blog/",
      "/notes/",
      "/linked/",
      "//",
      "/_file//",
      "/%2e%2e/",
    ),
    fc.array(fc.tuple(segment, separator), { minLength: 0, maxLength: 5 }),
    fc.constantFrom("", "", "/", "%2F", "?id=2", "?id=3", "?tag=a", "?date=2999", "?date=2999-01-01", "#x"),
  )
  .map(([prefix, parts, tail]) => {
    const body = parts.map(([s, sep], i) => (i === parts.length - 1 ? s : s + sep)).join("");
    return prefix + body + tail;
  });

describe("the URL space", () => {
  it("never answers with a byte of anything unpublished or outside the site", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(urlPath, async (path) => {
        const res = await rawGet(t.url, path);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.body, path).not.toMatch(LEAK);
        expect(res.status, path).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    // The space was really explored: some paths found pages and files, most did not.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(0);
  });

  it("serves what is published, so the markers are not absent by accident", async () => {
    expect((await rawGet(t.url, "/blog/1-Hello")).body).toContain("Hello, world.");
    expect((await rawGet(t.url, "/_file/photos/pic.txt")).body).toBe("a plain asset\n");
    expect((await rawGet(t.url, "/static/style.css")).status).toBe(200);
    // The fixture's secrets are on disk, where a broken route would find them.
    expect((await rawGet(t.url, "/2")).status).toBe(403);
  });
});
