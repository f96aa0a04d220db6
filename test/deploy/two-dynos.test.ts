/**
 * The Heroku scenario with two dynos, as real `quire serve` processes: a shared memcached and a shared bucket
 * (both real servers on loopback), the same QUIRE_SECRET, and a separate empty data folder per process.
 * A page cached by one dyno and its images work on the other, whatever happens to the bucket or memcached;
 * without a bucket, a dyno with an empty disk still serves every image URL the other one put on a page.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { Site } from "../../src/site.js";
import { entryPath } from "../../src/template/urls.js";
import { skipWithoutMemcached, startMemcached, type MemcachedServer } from "../helpers/memcached.js";
import { startQuireProcess, type QuireProcess } from "../helpers/process.js";
import { startS3rver, type S3rverHandle } from "../helpers/s3rver.js";
import { removeSite } from "../helpers/site-fixture.js";
import { badImages, distinctImages, makeGallerySite, pageImages, renditionNameOf } from "./gallery-site.js";

const skip = skipWithoutMemcached("two-dynos.test.ts");

const SECRET = "two-dynos-shared-secret";
// Both dynos sit behind one router, so they share the public URL.
const BASE_URL = "http://quire-two-dynos.test";
const PREFIX = "renditions/";

let memcached: MemcachedServer;
let s3: S3rverHandle;
let site: string;
let galleryPath: string;
const folders: string[] = [];
const running = new Set<QuireProcess>();

beforeAll(async () => {
  if (skip) return;
  [memcached, s3, site] = await Promise.all([startMemcached(), startS3rver(), makeGallerySite()]);
  galleryPath = await permalinkOf(site, "photos/gallery.md");
});

afterAll(async () => {
  await Promise.all([...running].map((dyno) => dyno.stop("SIGKILL")));
  await memcached?.stop();
  await s3?.stop();
  if (site) removeSite(site);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** The entry's canonical path, from an index built in this process (the dynos build their own). */
async function permalinkOf(root: string, file: string): Promise<string> {
  const dataDir = emptyFolder();
  const local = new Site({ site: root, dataDir, logger: silentLogger(), inlineIndexer: true, env: {} });
  try {
    await local.start();
    const entry = local.index.entryByFile(file);
    if (!entry) throw new Error(`${file} is not in the index`);
    return entryPath(entry);
  } finally {
    await local.close();
  }
}

function emptyFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "quire-dyno-data-"));
  folders.push(folder);
  return folder;
}

/** Starts one dyno: `quire serve` from source, its own empty data folder, the shared services. */
async function startDyno(env: Record<string, string>): Promise<QuireProcess & { dataDir: string }> {
  const dataDir = emptyFolder();
  const dyno = await startQuireProcess({
    site,
    env: {
      QUIRE_DATA_DIR: dataDir,
      QUIRE_SECRET: SECRET,
      QUIRE_BASE_URL: BASE_URL,
      QUIRE_LOG_LEVEL: "debug",
      MEMCACHE_SERVERS: memcached.servers,
      ...env,
    },
    timeoutMs: 90_000,
  });
  running.add(dyno);
  return Object.assign(dyno, { dataDir });
}

async function stopDyno(dyno: QuireProcess): Promise<void> {
  running.delete(dyno);
  expect(await dyno.stop()).toBe(0);
}

const s3Env = (): Record<string, string> => ({
  QUIRE_S3_BUCKET: s3.bucket,
  QUIRE_S3_ENDPOINT: s3.endpoint,
  QUIRE_S3_PREFIX: PREFIX,
  AWS_ACCESS_KEY_ID: s3.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
  AWS_REGION: s3.region,
});

/** How many renditions a dyno has generated, from its debug log. */
function generations(dyno: QuireProcess): number {
  return dyno
    .output()
    .split("\n")
    .filter((line) => line.includes('"msg":"rendition generated"')).length;
}

async function inBucket(name: string): Promise<boolean> {
  try {
    await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: PREFIX + name }));
    return true;
  } catch {
    return false;
  }
}

async function getPage(
  dyno: QuireProcess,
  path: string,
): Promise<{ status: number; cache: string | null; html: string }> {
  const res = await fetch(dyno.url + path, { signal: AbortSignal.timeout(30_000) });
  return { status: res.status, cache: res.headers.get("x-cache"), html: await res.text() };
}

describe.skipIf(skip)("two dynos sharing memcached and a bucket", () => {
  it("dyno B serves A's cached page and every image on it, with the bucket emptied and then memcached gone", async () => {
    // Dyno A renders the gallery page (into memcached) and its images (into the bucket), then stops.
    const a = await startDyno(s3Env());
    const first = await getPage(a, galleryPath);
    expect(first.status).toBe(200);
    expect(first.cache).toBe("miss");
    const images = distinctImages(pageImages(first.html));
    expect(images.length).toBe(6);
    expect(await badImages(a.url, images)).toEqual([]);
    for (const image of images) expect(await inBucket(renditionNameOf(image.url))).toBe(true);
    await stopDyno(a);

    // Dyno B: another empty disk, the same secret. The page is a memcached hit, the images come from the bucket.
    const b = await startDyno(s3Env());
    const page = await getPage(b, galleryPath);
    expect(page.status).toBe(200);
    expect(page.cache).toBe("hit");
    expect(page.html).toBe(first.html);
    expect(await badImages(b.url, pageImages(page.html))).toEqual([]);
    expect(generations(b)).toBe(0);

    // The bucket is emptied: B still answers every URL (from its local copies).
    await s3.emptyBucket();
    expect(await badImages(b.url, images)).toEqual([]);
    // ... and with its local copies gone too, it regenerates each one from the signed URL and stores it again.
    rmSync(join(b.dataDir, "renditions"), { recursive: true, force: true });
    expect(await badImages(b.url, images)).toEqual([]);
    expect(generations(b)).toBe(6);
    for (const image of images) expect(await inBucket(renditionNameOf(image.url))).toBe(true);

    // memcached stops: the cached page and a page never rendered before both still answer 200.
    await memcached.stop();
    expect((await getPage(b, galleryPath)).status).toBe(200);
    // How fast it answers with memcached gone is measured in bench/ and test:load, not here.
    const fresh = await getPage(b, "/blog/");
    expect(fresh.status).toBe(200);
    expect(fresh.cache).toBe("miss");
    await stopDyno(b);
  }, 300_000);

  it("without a bucket (local stores only), B's empty disk still serves every image URL A put on the page", async () => {
    await memcached.restart();
    const a = await startDyno({});
    const first = await getPage(a, galleryPath);
    expect(first.status).toBe(200);
    const images = distinctImages(pageImages(first.html));
    expect(images.length).toBe(6);
    expect(await badImages(a.url, images)).toEqual([]);
    await stopDyno(a);

    const b = await startDyno({});
    const page = await getPage(b, galleryPath);
    expect(page.status).toBe(200);
    expect(page.cache).toBe("hit");
    expect(page.html).toBe(first.html);
    expect(await badImages(b.url, pageImages(page.html))).toEqual([]);
    expect(generations(b)).toBe(6);
    await stopDyno(b);
  }, 300_000);
});
