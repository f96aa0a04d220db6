import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { rawGet } from "../helpers/raw-request.js";
import { isPlainAssetName } from "../../src/http/site-files.js";

// Issue 21, item 1: /_file/ serves plain assets only, however the path is spelled.
let root: string;
let t: TestServer;

const HIDDEN: Record<string, string> = {
  "blog/draft-roadmap.md": "Title: Roadmap\nStatus: DRAFT\nEntry-ID: 10\n\nSECRET-DRAFT-BODY\n",
  "blog/later.md": "Title: Later\nDate: 2999-01-01\nEntry-ID: 11\n\nSECRET-SCHEDULED-BODY\n",
  "blog/blog.cat": "Name: Blog\n\nSECRET-CAT-BODY\n",
  "photos/photos.meta": "Name: Photos\n\nSECRET-META-BODY\n",
  "notes/colophon.html": "Title: Colophon\nEntry-ID: 12\n\n<p>SECRET-HTML-BODY</p>\n",
  "notes/old.htm": "Title: Old\nEntry-ID: 13\nStatus: DRAFT\n\n<p>SECRET-HTM-BODY</p>\n",
  "blog/draft-roadmap.md~": "SECRET-BACKUP-BODY\n",
  "blog/.draft-roadmap.md.swp": "SECRET-SWAP-BODY\n",
};
const MARKER = /SECRET-[A-Z]+-BODY/;

beforeAll(async () => {
  const files: Record<string, string> = { "content/blog/pic.txt": "plain asset\n" };
  for (const [rel, body] of Object.entries(HIDDEN)) files[`content/${rel}`] = body;
  root = makeSite(files);
  t = await serveSite(root);
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

/** Ways of spelling one content path in a URL; each names the same file on some file system or after decoding. */
function spellings(rel: string): string[] {
  const enc = (s: string) => [...s].map((c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  const [dir, name] = [rel.slice(0, rel.lastIndexOf("/")), rel.slice(rel.lastIndexOf("/") + 1)];
  return [
    rel,
    `${rel}/`,
    `${rel}%2F`,
    `${rel}%2f`,
    `${dir}%2F${name}`,
    `${dir}//${name}`,
    `/${rel}`,
    `${dir}/./${name}`,
    `${dir}/x/../${name}`,
    `${dir}/%2e/${name}`,
    `${dir}/x/%2e%2e/${name}`,
    `${dir}/x%2f..%2f${name}`,
    `${rel}/.`,
    `${rel}%00`,
    `${rel}%00.png`,
    `${rel}.`,
    `${rel}%20`,
    `${rel}::$DATA`,
    `${rel.replace(/\.(\w+)(~?)$/, "%2e$1$2")}`,
    `${rel.replace(/\.(\w+)(~?)$/, "%2E$1$2")}/`,
    `${dir}/${enc(name)}`,
    enc(rel),
    `${dir}\\${name}`,
    `${dir}%5c${name}`,
    rel.toUpperCase(),
  ];
}

describe("/_file/ never serves what is not a plain asset", () => {
  const cases = Object.keys(HIDDEN).flatMap((rel) => spellings(rel));
  it.each(cases)("/_file/%s is a 404 without a byte of the file", async (path) => {
    const res = await rawGet(t.url, `/_file/${path}`);
    expect(res.status).toBe(404);
    expect(res.body).not.toMatch(MARKER);
  });

  it("still serves a plain asset under its plain spelling", async () => {
    const res = await rawGet(t.url, "/_file/blog/pic.txt");
    expect(res.status).toBe(200);
    expect(res.body).toBe("plain asset\n");
  });

  it("judges names as a case-insensitive file system would open them", () => {
    for (const name of [
      "Draft.MD",
      "x.Markdown",
      "a.HTM",
      "blog.CAT",
      "p.Meta",
      "a.md.",
      "a.md ",
      "a.md::$DATA",
    ])
      expect(isPlainAssetName(name), name).toBe(false);
    for (const name of ["a.png", "notes.md.txt", "report.pdf", "x.html.gz"])
      expect(isPlainAssetName(name), name).toBe(true);
  });
});
