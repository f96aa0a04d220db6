/**
 * The `/_img/` route with renditions in S3 (a real s3rver): present → streamed, or 302 to the public URL;
 * absent → generated, uploaded, served; S3 unreachable, erroring or silent → generated and served from the
 * process and the local disk, never a 5xx, with rate-limited warnings.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryPath } from "../../src/template/urls.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { startS3rver, type S3rverHandle } from "../helpers/s3rver.js";
import { removeSite } from "../helpers/site-fixture.js";
import { captureLog, type CapturedLog } from "../store/log-capture.js";
import {
  badImages,
  distinctImages,
  fetchImage,
  makeGallerySite,
  pageImages,
  renditionNameOf,
  type ExpectedImage,
} from "./gallery-site.js";

const SECRET = "s3-route-test-secret";

let s3: S3rverHandle;
let site: string;
const servers: TestServer[] = [];

beforeAll(async () => {
  [s3, site] = await Promise.all([startS3rver(), makeGallerySite()]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await s3?.stop();
  if (site) removeSite(site);
});

interface Dyno {
  server: TestServer;
  log: CapturedLog;
  /** Every image URL on the gallery page, with the size each must have. */
  images: ExpectedImage[];
  /** How many renditions this process has generated so far. */
  generations(): number;
  /** The folder of this process's local rendition copies. */
  renditionsDir: string;
}

/** S3 variables for the test server, under a prefix of their own. */
function s3Env(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    QUIRE_S3_BUCKET: s3.bucket,
    QUIRE_S3_ENDPOINT: s3.endpoint,
    QUIRE_S3_PREFIX: prefix,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
    ...extra,
  };
}

/** Serves the gallery site in this process with a fresh data folder, and reads the gallery page. */
/** The S3 store's cool-down after a failure (src/store/index.ts). */
const S3_COOLDOWN_MS = 30_000;

async function dyno(env: Record<string, string>): Promise<Dyno> {
  const log = captureLog();
  const server = await serveSite(site, { env: { QUIRE_SECRET: SECRET, ...env }, logger: log.logger });
  servers.push(server);
  const entry = server.site.index.entryByFile("photos/gallery.md");
  if (!entry) throw new Error("the gallery entry is not in the index");
  const page = await server.get(entryPath(entry));
  expect(page.status).toBe(200);
  const images = distinctImages(pageImages(await page.text()));
  expect(images.length).toBe(6);
  return {
    server,
    log,
    images,
    generations: () => server.site.images.service.generations,
    renditionsDir: join(server.site.paths.dataDir, "renditions"),
  };
}

function freshPrefix(): string {
  return `route-${randomBytes(4).toString("hex")}/`;
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

/** Warnings an operator would see about S3. */
function s3Warnings(log: CapturedLog): string[] {
  return log
    .warnings()
    .filter((line) => String(line.store ?? "").includes("s3:") || /S3/.test(line.msg))
    .map((line) => line.msg);
}

function localCopies(dir: string): number {
  if (!existsSync(dir)) return 0;
  let count = 0;
  const walk = (folder: string) => {
    for (const d of readdirSync(folder, { withFileTypes: true })) {
      if (d.isDirectory()) walk(join(folder, d.name));
      else if (!d.name.startsWith(".")) count++;
    }
  };
  walk(dir);
  return count;
}

describe("/_img/ with the S3 store", () => {
  it("absent: generates the rendition, uploads it immutable with its type, and serves it", async () => {
    const prefix = freshPrefix();
    const a = await dyno(s3Env(prefix));
    expect(await badImages(a.server.url, a.images)).toEqual([]);
    expect(a.generations()).toBe(6);
    for (const image of a.images) {
      const head = await s3.client.send(
        new HeadObjectCommand({ Bucket: s3.bucket, Key: prefix + renditionNameOf(image.url) }),
      );
      expect(head.ContentType).toBe("image/jpeg");
      expect(head.CacheControl).toBe("public, max-age=31536000, immutable");
    }
    expect(s3Warnings(a.log)).toEqual([]);
  });

  it("present, no public URL: streams the bucket's object without generating it again", async () => {
    const prefix = freshPrefix();
    const a = await dyno(s3Env(prefix));
    expect(await badImages(a.server.url, a.images)).toEqual([]);

    const b = await dyno(s3Env(prefix));
    for (const image of b.images) {
      const got = await fetchImage(b.server.url, image.url);
      expect(got.firstStatus).toBe(200);
      const object = await s3.client.send(
        new GetObjectCommand({ Bucket: s3.bucket, Key: prefix + renditionNameOf(image.url) }),
      );
      expect(Buffer.from(await object.Body!.transformToByteArray()).equals(got.bytes)).toBe(true);
    }
    expect(b.generations()).toBe(0);
  });

  it("present, with QUIRE_S3_PUBLIC_URL: redirects (302) to the object's public URL", async () => {
    const prefix = freshPrefix();
    const publicUrl = `${s3.endpoint}/${s3.bucket}`;
    const a = await dyno(s3Env(prefix, { QUIRE_S3_PUBLIC_URL: publicUrl }));
    expect(await badImages(a.server.url, a.images)).toEqual([]);

    const b = await dyno(s3Env(prefix, { QUIRE_S3_PUBLIC_URL: publicUrl }));
    for (const image of b.images) {
      const got = await fetchImage(b.server.url, image.url);
      expect(got.firstStatus).toBe(302);
      expect(got.location).toBe(`${publicUrl}/${prefix}${renditionNameOf(image.url)}`);
      expect(got.status).toBe(200);
    }
    expect(await badImages(b.server.url, b.images)).toEqual([]);
    expect(b.generations()).toBe(0);
  });

  it("absent, with a public URL: serves the generated bytes first (never a redirect to a missing object), then redirects", async () => {
    const publicUrl = `${s3.endpoint}/${s3.bucket}`;
    const a = await dyno(s3Env(freshPrefix(), { QUIRE_S3_PUBLIC_URL: publicUrl }));
    for (const image of a.images) {
      const first = await fetchImage(a.server.url, image.url);
      expect(first.firstStatus).toBe(200);
      const second = await fetchImage(a.server.url, image.url);
      expect(second.firstStatus).toBe(302);
      expect(second.status).toBe(200);
      expect(second.bytes.equals(first.bytes)).toBe(true);
    }
  });

  it("bucket emptied behind a public URL: serves the local copy, or regenerates on an empty disk", async () => {
    const prefix = freshPrefix();
    const env = s3Env(prefix, { QUIRE_S3_PUBLIC_URL: `${s3.endpoint}/${s3.bucket}` });
    const a = await dyno(env);
    expect(await badImages(a.server.url, a.images)).toEqual([]);
    await s3.emptyBucket();

    for (const image of a.images) expect((await fetchImage(a.server.url, image.url)).firstStatus).toBe(200);
    expect(await badImages(a.server.url, a.images)).toEqual([]);
    expect(a.generations()).toBe(6);

    const b = await dyno(env);
    expect(await badImages(b.server.url, b.images)).toEqual([]);
    expect(b.generations()).toBe(6);
    // The regenerated renditions went back into the bucket.
    for (const image of b.images) expect(await objectExists(prefix + renditionNameOf(image.url))).toBe(true);
  });

  it("missing bucket: generates and serves from the process and the local disk, with one warning", async () => {
    const a = await dyno({ ...s3Env(freshPrefix()), QUIRE_S3_BUCKET: "no-such-bucket-here" });
    expect(await badImages(a.server.url, a.images)).toEqual([]);
    expect(await badImages(a.server.url, a.images)).toEqual([]);
    expect(a.generations()).toBe(6);
    expect(localCopies(a.renditionsDir)).toBe(6);
    const warnings = s3Warnings(a.log);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(3);
  });
});

describe("/_img/ when S3 is unreachable or failing", () => {
  it("connection refused: every image is a 200 of the right size, generated once, kept on local disk", async () => {
    const a = await dyno(
      s3Env(freshPrefix(), { QUIRE_S3_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }),
    );
    for (let pass = 0; pass < 3; pass++) expect(await badImages(a.server.url, a.images)).toEqual([]);
    // The second and third passes came from the local copies, not from new work.
    expect(a.generations()).toBe(6);
    expect(localCopies(a.renditionsDir)).toBe(6);
    const warnings = s3Warnings(a.log);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    // Rate-limited: a few lines for 18 requests, not one per request.
    expect(warnings.length).toBeLessThanOrEqual(3);
    expect(warnings.join("\n")).toMatch(/serving without it/);
  });

  it("HTTP 500 from S3 with a public URL: 200s from the process, never a redirect, never a 5xx", async () => {
    const failing = await failingS3();
    try {
      const a = await dyno(
        s3Env(freshPrefix(), { QUIRE_S3_ENDPOINT: failing.endpoint, QUIRE_S3_PUBLIC_URL: failing.endpoint }),
      );
      for (let pass = 0; pass < 2; pass++) {
        for (const image of a.images) {
          const got = await fetchImage(a.server.url, image.url);
          expect(got.firstStatus).toBe(200);
        }
      }
      expect(await badImages(a.server.url, a.images)).toEqual([]);
      expect(failing.requests()).toBeGreaterThan(0);
      expect(s3Warnings(a.log).length).toBeLessThanOrEqual(3);
    } finally {
      await failing.close();
    }
  });

  it("S3 accepts connections and never answers: the first image waits for the store's deadline, later ones skip S3", async () => {
    const silent = await silentS3();
    try {
      const a = await dyno(s3Env(freshPrefix(), { QUIRE_S3_ENDPOINT: silent.endpoint }));
      const [first, ...rest] = a.images;
      // The cool-down starts at the first failure, so it lasts at least until this plus its length.
      const coolDownEnds = Date.now() + S3_COOLDOWN_MS;
      // S3 never answers, so the first image is served once the store's deadline gives up on it.
      expect(await badImages(a.server.url, [first!])).toEqual([]);
      const tried = silent.requests();
      expect(tried).toBeGreaterThan(0);
      // S3 is skipped during its cool-down: the other renditions are generated without asking it anything.
      expect(await badImages(a.server.url, rest)).toEqual([]);
      if (Date.now() < coolDownEnds) expect(silent.requests()).toBe(tried);
      else console.warn("the machine was too busy to finish within S3's cool-down; its skip was not checked");
      expect(s3Warnings(a.log).length).toBeGreaterThanOrEqual(1);
    } finally {
      await silent.close();
    }
  });
});

describe("/_img/ with malformed requests", () => {
  it("answers 400, not 500, for a name that is not valid percent-encoding", async () => {
    const a = await dyno({});
    const res = await a.server.get("/_img/%E0%A4%A.jpg?s=x&sig=y");
    expect(res.status).toBe(400);
  });
});

/** A port on 127.0.0.1 with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An S3 endpoint that answers every request with HTTP 500 InternalError. */
async function failingS3(): Promise<{ endpoint: string; requests(): number; close(): Promise<void> }> {
  let count = 0;
  const server = createHttpServer((req, res) => {
    count++;
    req.resume();
    res.writeHead(500, { "Content-Type": "application/xml" });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An S3 endpoint that accepts connections and never answers, counting the HTTP requests sent to it. */
async function silentS3(): Promise<{ endpoint: string; requests(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let tail = "";
    socket.on("data", (chunk: Buffer) => {
      // A request line at the start of the stream or after a line break; kept tail catches one split in two.
      const text = tail + chunk.toString("latin1");
      requests += text.match(/(?:^|\n)(?:GET|PUT|HEAD|POST|DELETE) \S+ HTTP\/1\.1\r\n/g)?.length ?? 0;
      tail = text.slice(-64).replace(/^[\s\S]*\n/, "\n");
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
