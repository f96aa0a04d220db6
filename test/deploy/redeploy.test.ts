/**
 * A redeploy is a fresh checkout: the same files with new mtimes, created in another order, indexed by the
 * `build` step into another folder. Entries without an Entry-ID take their ID from their path, so every
 * permalink must come out the same, and the content generation too (pages cached in memcached stay valid).
 */
import { spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { entryPath } from "../../src/template/urls.js";
import { serveSite } from "../helpers/http.js";
import { FROM_SOURCE, QUIRE_BIN, REPO } from "../helpers/process.js";
import { checksums } from "../helpers/site-fixture.js";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  folders.push(path);
  return path;
}

/** The sample site's entries with their Entry-ID and UUID lines removed, plus entries built to collide. */
function contentWithoutIds(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, d.name);
      if (d.isDirectory()) walk(abs);
      else files.set(relative(REPO, abs), readFileSync(abs));
    }
  };
  walk(join(REPO, "content"));
  for (const [path, body] of files) {
    if (!/\.(md|html?)$/.test(path)) continue;
    const text = body
      .toString("utf8")
      .replace(/^(Entry-ID|UUID):.*\n/gim, "")
      .replace(/^(---\n(?:.*\n)*?)(?:id|uuid):.*\n/, "$1")
      .replace(/^(---\n(?:.*\n)*?)(?:id|uuid):.*\n/, "$1");
    expect(text).not.toMatch(/^(Entry-ID|UUID):/im);
    files.set(path, Buffer.from(text));
  }
  // Same titles and dates in several places, a deep category, and names that sort differently from creation order.
  for (let i = 0; i < 30; i++) {
    const category = ["journal", "journal/2024", "journal/2024/spring", "links"][i % 4]!;
    const title = i % 3 === 0 ? "Same title" : `Entry ${i}`;
    files.set(
      `content/${category}/${String.fromCharCode(122 - (i % 26))}-${i}.md`,
      Buffer.from(`Title: ${title}\nDate: 2024-03-0${(i % 9) + 1} 10:00:00+00:00\n\nBody ${i}.\n`),
    );
  }
  files.set("quire.toml", Buffer.from('[site]\ntitle = "Redeploy"\n'));
  return files;
}

/** Writes a site, in the given order, with every mtime set from `mtime`. */
function checkout(
  files: Map<string, Buffer>,
  order: "forward" | "reverse",
  mtime: (i: number) => Date,
): string {
  const root = folder("quire-checkout-");
  const paths = [...files.keys()].sort();
  if (order === "reverse") paths.reverse();
  paths.forEach((path, i) => {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, files.get(path)!);
    utimesSync(abs, mtime(i), mtime(i));
  });
  mkdirSync(join(root, "templates"), { recursive: true });
  return root;
}

/** Runs `quire index --site <root> --data <dataDir> --json`, as the build step does, and returns its summary. */
function quireIndex(root: string, dataDir: string): Promise<{ entries: number; generation: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [QUIRE_BIN, "index", "--site", root, "--data", dataDir, "--json"], {
      env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`quire index exited ${code}: ${err}`));
      resolve(JSON.parse(out) as { entries: number; generation: string });
    });
  });
}

interface EntryRow {
  file: string;
  id: number;
  slug: string;
  category: string;
  pathCanonical: string | null;
  status: string;
  date: number;
}

/** Every indexed entry, by file. */
function indexedEntries(dataDir: string): EntryRow[] {
  const db = new Database(join(dataDir, "index.db"), { readonly: true });
  try {
    return db
      .prepare(
        "SELECT file, id, slug, category, path_canonical AS pathCanonical, status, date FROM entries ORDER BY file",
      )
      .all() as EntryRow[];
  } finally {
    db.close();
  }
}

/** Every indexed entry's canonical path, by file. */
function permalinks(entries: EntryRow[]): Map<string, string> {
  return new Map(entries.map((row) => [row.file, entryPath(row)]));
}

/** Entries a reader can open now: not drafts, not scheduled for later, not gone. */
function visible(entry: EntryRow): boolean {
  return ["PUBLISHED", "SCHEDULED", "HIDDEN", "UNLISTED"].includes(entry.status) && entry.date <= Date.now();
}

describe("redeploy", () => {
  it("a fresh copy with new mtimes, indexed in another folder, gives the same permalinks and generation", async () => {
    const files = contentWithoutIds();
    const first = checkout(files, "forward", () => new Date("2024-06-01T12:00:00Z"));
    const second = checkout(files, "reverse", (i) => new Date(Date.now() - i * 61_000));
    expect(statSync(join(first, "content/about.md")).mtimeMs).not.toBe(
      statSync(join(second, "content/about.md")).mtimeMs,
    );
    const before = checksums(join(second, "content"));

    const [dataA, dataB] = [folder("quire-deploy-a-"), folder("quire-deploy-b-")];
    const [a, b] = await Promise.all([quireIndex(first, dataA), quireIndex(second, dataB)]);
    expect(a.entries).toBeGreaterThan(40);
    expect(b.entries).toBe(a.entries);
    expect(b.generation).toBe(a.generation);

    const entriesA = indexedEntries(dataA);
    const linksA = permalinks(entriesA);
    const linksB = permalinks(indexedEntries(dataB));
    expect(linksA.size).toBe(a.entries);
    expect(new Set(linksA.values()).size).toBe(linksA.size);
    expect([...linksB]).toEqual([...linksA]);

    // The build never writes into content/: no Entry-ID is stamped on a deploy.
    expect(checksums(join(second, "content"))).toEqual(before);

    // Every permalink of the first deploy that readers can open answers on the second.
    const open = entriesA.filter(visible).map(entryPath);
    expect(open.length).toBeGreaterThan(40);
    const served = await serveSite(second, { dataDir: dataB, env: { QUIRE_SECRET: "redeploy" } });
    try {
      for (const path of open) {
        const res = await served.get(path);
        // 200, or a redirect for an entry that says where it moved.
        expect(`${path} ${res.status < 400 ? "answers" : res.status}`).toBe(`${path} answers`);
        await res.arrayBuffer();
      }
    } finally {
      await served.stop();
    }
  }, 120_000);
});
