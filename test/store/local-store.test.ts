/** The local-disk store: the shared contract, plus layout, atomic writes, last-access cleanup and write failures. */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeFsFailure, LocalStore } from "../../src/store/index.js";
import { HOSTILE_NAMES, renditionName, renditionStoreContract } from "./rendition-store.case.js";

const DAY_MS = 86_400_000;
const folders: string[] = [];

async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "quire-local-store-"));
  folders.push(folder);
  return folder;
}

async function freshStore(): Promise<LocalStore> {
  return new LocalStore(join(await freshFolder(), "renditions"));
}

/** Every file under a folder, relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(folder.length + 1));
}

async function age(path: string, days: number): Promise<void> {
  const then = new Date(Date.now() - days * DAY_MS);
  await utimes(path, then, then);
}

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

renditionStoreContract("LocalStore", freshStore);

describe("LocalStore layout and names", () => {
  it("stores a rendition as <dir>/<two hex digits>/<name> and nothing else", async () => {
    const store = await freshStore();
    const name = renditionName();
    await store.put(name, Buffer.from("bytes"), "image/jpeg");
    const files = await filesUnder(store.dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^[0-9a-f]{2}/${name.replace(/\./g, "\\.")}$`));
    expect(store.pathFor(name)).toBe(join(store.dir, files[0]!));
  });

  it("writes nothing anywhere for hostile names", async () => {
    const root = await freshFolder();
    const store = new LocalStore(join(root, "renditions", "deep"));
    for (const name of HOSTILE_NAMES) {
      await store.put(name, Buffer.from("x"), "image/jpeg").catch(() => undefined);
    }
    expect(await filesUnder(root)).toEqual([]);
  });

  it("derives the content type from the extension", async () => {
    const store = await freshStore();
    for (const [ext, type] of [
      ["jpg", "image/jpeg"],
      ["JPEG", "image/jpeg"],
      ["png", "image/png"],
      ["avif", "image/avif"],
      ["svg", "image/svg+xml"],
      ["bin", "application/octet-stream"],
    ] as const) {
      const name = renditionName(ext);
      await store.put(name, Buffer.from("x"), "ignored/by-local-store");
      expect((await store.get(name))?.contentType, ext).toBe(type);
    }
  });
});

describe("LocalStore atomic writes", () => {
  it("never shows a partial file to readers during a large put", async () => {
    const store = await freshStore();
    const name = renditionName("png");
    const body = randomBytes(32 * 1024 * 1024);
    let writing = true;
    const seen = { absent: 0, whole: 0, partial: 0 };
    const readers = Array.from({ length: 4 }, async () => {
      while (writing) {
        const stored = await store.get(name);
        if (stored === null) seen.absent++;
        else if (stored.body.equals(body)) seen.whole++;
        else seen.partial++;
      }
    });
    await store.put(name, body, "image/png");
    writing = false;
    await Promise.all(readers);
    expect(seen.partial).toBe(0);
    expect(seen.absent + seen.whole).toBeGreaterThan(0);
    expect((await store.get(name))!.body.equals(body)).toBe(true);
  });

  it("leaves no temporary files behind after concurrent puts", async () => {
    const store = await freshStore();
    const name = renditionName();
    await Promise.all(Array.from({ length: 20 }, () => store.put(name, randomBytes(100_000), "image/jpeg")));
    expect(await filesUnder(store.dir)).toHaveLength(1);
  });
});

describe("LocalStore cleanup", () => {
  it("removes only renditions not requested for the given number of days", async () => {
    const store = await freshStore();
    const [old, recent, fresh] = [renditionName(), renditionName(), renditionName()];
    for (const name of [old, recent, fresh]) await store.put(name, Buffer.from(name), "image/jpeg");
    await age(store.pathFor(old), 40);
    await age(store.pathFor(recent), 10);

    expect(await store.cleanup(30)).toBe(1);
    expect(await store.get(old)).toBeNull();
    expect((await store.get(recent))?.body.toString()).toBe(recent);
    expect((await store.get(fresh))?.body.toString()).toBe(fresh);
  });

  it("counts a get or a has as a use, so a requested rendition survives cleanup", async () => {
    const store = await freshStore();
    const [read, checked, idle] = [renditionName(), renditionName(), renditionName()];
    for (const name of [read, checked, idle]) {
      await store.put(name, Buffer.from(name), "image/jpeg");
      await age(store.pathFor(name), 40);
    }
    await store.get(read);
    await store.has(checked);
    expect(await store.cleanup(30)).toBe(1);
    expect(await store.has(read)).toBe(true);
    expect(await store.has(checked)).toBe(true);
    expect(await store.has(idle)).toBe(false);
  });

  it("refreshes the last-access marker at most once a day per file", async () => {
    const store = await freshStore();
    const name = renditionName();
    await store.put(name, Buffer.from("x"), "image/jpeg");
    const path = store.pathFor(name);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(path, anHourAgo, anHourAgo);
    await store.get(name);
    expect(Math.abs((await stat(path)).mtimeMs - anHourAgo.getTime())).toBeLessThan(1000);
    await age(path, 2);
    const before = Date.now();
    await store.get(name);
    // Touched by this read: not older than the moment it began (a second's slack for coarse file clocks).
    expect((await stat(path)).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
  });

  it("removes temporary files left by a crashed write, keeps recent ones and foreign files", async () => {
    const store = await freshStore();
    const name = renditionName();
    await store.put(name, Buffer.from("x"), "image/jpeg");
    const shard = join(store.pathFor(name), "..");
    const staleTemp = join(shard, `.${name}.1234.abcdef.tmp`);
    const liveTemp = join(shard, `.${name}.1234.fedcba.tmp`);
    const foreign = join(store.dir, "README.txt");
    await writeFile(staleTemp, "half");
    await writeFile(liveTemp, "half");
    await writeFile(foreign, "keep me");
    await age(staleTemp, 1);
    await age(foreign, 400);

    expect(await store.cleanup(30)).toBe(0);
    const files = await filesUnder(store.dir);
    expect(files.some((f) => f.endsWith(".abcdef.tmp"))).toBe(false);
    expect(files.some((f) => f.endsWith(".fedcba.tmp"))).toBe(true);
    expect(files).toContain("README.txt");
  });

  it("answers 0 for a store that was never written to, and refuses a non-positive age", async () => {
    const store = await freshStore();
    expect(await store.cleanup(30)).toBe(0);
    await expect(store.cleanup(0)).rejects.toMatchObject({ code: "E_STORE" });
    await expect(store.cleanup(Number.NaN)).rejects.toMatchObject({ code: "E_STORE" });
  });
});

describe("LocalStore write failures", () => {
  it("rejects with E_STORE naming the store when its folder cannot be created", async () => {
    const root = await freshFolder();
    await writeFile(join(root, "blocked"), "a file where the folder should be");
    const store = new LocalStore(join(root, "blocked", "renditions"));
    const name = renditionName();
    const error = await store.put(name, Buffer.from("x"), "image/jpeg").catch((err: unknown) => err);
    expect(error).toMatchObject({ code: "E_STORE" });
    expect((error as Error).message).toContain(`Cannot store rendition "${name}" in ${store.dir}`);
    expect(await store.get(name)).toBeNull();
  });

  const asRoot = process.getuid?.() === 0;
  if (asRoot) console.warn("skipped: the permission-denied store test, because root may write to any folder");
  it.skipIf(asRoot)(
    "says 'permission denied' for a folder it may not write to (skipped as root, who may write anywhere)",
    async () => {
      const store = await freshStore();
      await mkdir(store.dir, { recursive: true });
      await chmod(store.dir, 0o555);
      try {
        const error = await store
          .put(renditionName(), Buffer.from("x"), "image/jpeg")
          .catch((err: unknown) => err);
        expect(error).toMatchObject({ code: "E_STORE" });
        expect((error as Error).message).toMatch(/permission denied \(EACCES\)/);
      } finally {
        await chmod(store.dir, 0o755);
      }
    },
  );

  it("explains full, read-only and forbidden disks in words", () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
    expect(describeFsFailure(errno("ENOSPC"))).toBe("the disk is full (ENOSPC)");
    expect(describeFsFailure(errno("EROFS"))).toBe("the file system is read-only (EROFS)");
    expect(describeFsFailure(errno("EACCES"))).toBe("permission denied (EACCES)");
    expect(describeFsFailure(errno("EDQUOT"))).toBe("the disk quota is used up (EDQUOT)");
    expect(describeFsFailure(errno("EIO"))).toBe("EIO: failed");
  });
});
