import { describe, it, expect, afterEach } from "vitest";
import { rmSync, openSync, writeSync, closeSync, existsSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const files: Record<string, string> = {};
for (let i = 1; i <= 30; i++)
  files[`content/blog/p${i}.md`] =
    `Title: Post ${i}\nEntry-ID: ${i}\nDate: 2024-01-${String(i).padStart(2, "0")}\n\nText ${i}.\n`;

let root: string | undefined;
let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  if (root) removeSite(root);
  t = root = undefined;
});

/** Requests pages until `done()` holds, failing on any 5xx other than a brief 503 while rebuilding. */
async function keepRequesting(
  server: TestServer,
  done: () => boolean,
  // Only a hang guard: how long the rebuild takes depends on how busy the machine is.
  limitMs = 60_000,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const start = Date.now();
  let i = 0;
  while (!done()) {
    if (Date.now() - start > limitMs)
      throw new Error(`not recovered within ${limitMs} ms: ${JSON.stringify([...statuses])}`);
    const res = await server.get(`/blog/${(i++ % 30) + 1}`);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 20));
  }
  return statuses;
}

function healthy(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    const ok = db.pragma("quick_check", { simple: true }) === "ok";
    const n = (db.prepare("SELECT count(*) AS n FROM entries").get() as { n: number }).n;
    db.close();
    return ok && n === 30;
  } catch {
    return false;
  }
}

describe("the index file under a running server", () => {
  it("is rebuilt after being deleted, and the site keeps serving", async () => {
    root = makeSite(files);
    t = await serveSite(root);
    const path = t.site.paths.indexPath;
    rmSync(path);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    const statuses = await keepRequesting(t, () => healthy(path) && t!.site.ready);
    for (const status of statuses.keys()) expect([301, 503]).toContain(status);
    expect((await t.get("/blog/1-Post-1")).status).toBe(200);
  });

  it("is rebuilt after being corrupted, and the site keeps serving", async () => {
    root = makeSite(files);
    t = await serveSite(root);
    const path = t.site.paths.indexPath;
    // Garbage over the whole file, in place (same inode), and the write-ahead log gone with it.
    const size = statSync(path).size;
    const fd = openSync(path, "r+");
    writeSync(fd, Buffer.alloc(size, 0x5a), 0, size, 0);
    closeSync(fd);
    rmSync(`${path}-wal`, { force: true });
    expect(healthy(path)).toBe(false);
    const statuses = await keepRequesting(t, () => healthy(path) && t!.site.ready);
    for (const status of statuses.keys()) expect([301, 503]).toContain(status);
    expect((await t.get("/blog/1-Post-1")).status).toBe(200);
  });
});
