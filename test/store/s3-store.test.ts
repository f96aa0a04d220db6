/** The S3 store against a real S3-protocol server (s3rver): the shared contract, headers, prefixes, public URLs and failures. */
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResilientStore, S3Store, type S3StoreOptions } from "../../src/store/index.js";
import { silentLogger } from "../../src/log.js";
import { startS3rver, type S3rverHandle } from "../helpers/s3rver.js";
import { captureLog } from "./log-capture.js";
import { renditionName, renditionStoreContract } from "./rendition-store.case.js";

let s3: S3rverHandle;
const stores: S3Store[] = [];

beforeAll(async () => {
  s3 = await startS3rver();
});

afterAll(async () => {
  for (const store of stores) store.destroy();
  await s3?.stop();
});

/** An S3Store on the test server; each call gets its own prefix unless one is given. */
function s3Store(options: Partial<S3StoreOptions> = {}): S3Store {
  const store = new S3Store({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    prefix: `run-${randomBytes(4).toString("hex")}/`,
    logger: silentLogger(),
    ...options,
  });
  stores.push(store);
  return store;
}

/** A port on 127.0.0.1 with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server that accepts connections and never answers: S3 behind a black hole. */
async function silentServer(): Promise<{ endpoint: string; requests(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    // Request lines (the SDK sends one request per connection attempt; bodies are not scanned across chunks).
    socket.on("data", (chunk: Buffer) => {
      requests +=
        chunk.toString("latin1").match(/(?:^|\n)(?:GET|PUT|HEAD|DELETE) \S+ HTTP\/1\.1\r\n/g)?.length ?? 0;
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

async function elapsed<T>(
  work: () => Promise<T>,
): Promise<{ ms: number; result: T | undefined; error: unknown }> {
  const start = performance.now();
  try {
    const result = await work();
    return { ms: performance.now() - start, result, error: undefined };
  } catch (error) {
    return { ms: performance.now() - start, result: undefined, error };
  }
}

renditionStoreContract("S3Store on s3rver", () => s3Store());

describe("S3Store objects", () => {
  it("uploads with the immutable Cache-Control and the content type, under the prefix", async () => {
    const store = s3Store({ prefix: "/renditions" });
    const name = renditionName("avif");
    const body = randomBytes(3000);
    await store.put(name, body, "image/avif");
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: `renditions/${name}` }),
    );
    expect(head.CacheControl).toBe("public, max-age=31536000, immutable");
    expect(head.ContentType).toBe("image/avif");
    expect(head.ContentLength).toBe(body.length);
  });

  it("keeps stores with different prefixes apart in one bucket", async () => {
    const [a, b] = [s3Store(), s3Store()];
    const name = renditionName();
    await a.put(name, Buffer.from("in a"), "image/jpeg");
    expect(await b.get(name)).toBeNull();
    expect(await b.has(name)).toBe(false);
    expect((await a.get(name))?.body.toString()).toBe("in a");
  });

  it("answers null again once the bucket is emptied", async () => {
    const store = s3Store();
    const name = renditionName();
    await store.put(name, Buffer.from("x"), "image/jpeg");
    await s3.emptyBucket();
    expect(await store.get(name)).toBeNull();
    expect(await store.has(name)).toBe(false);
  });
});

describe("S3Store public URLs", () => {
  it("formats <publicUrl>/<prefix><name>, ignoring stray slashes", () => {
    const store = s3Store({ prefix: "/renditions/", publicUrl: "https://cdn.example.com/" });
    expect(store.publicUrl("a_1_2x3.jpg")).toBe("https://cdn.example.com/renditions/a_1_2x3.jpg");
    const bare = s3Store({ prefix: "", publicUrl: "https://bucket.example.com/base" });
    expect(bare.publicUrl("a_1_2x3.jpg")).toBe("https://bucket.example.com/base/a_1_2x3.jpg");
  });

  it("answers null without a public URL", () => {
    expect(s3Store().publicUrl("a_1_2x3.jpg")).toBeNull();
  });

  it("points at a URL that really serves the object with its headers", async () => {
    const store = s3Store({ publicUrl: `${s3.endpoint}/${s3.bucket}` });
    const name = renditionName("png");
    const body = randomBytes(5000);
    await store.put(name, body, "image/png");
    const response = await fetch(store.publicUrl(name)!);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });
});

describe("S3Store failures", () => {
  it("rejects put and get with E_STORE when the bucket does not exist", async () => {
    const store = s3Store({ bucket: "quire-no-such-bucket" });
    const name = renditionName();
    const put = await store.put(name, Buffer.from("x"), "image/jpeg").catch((err: unknown) => err);
    expect(put).toMatchObject({ code: "E_STORE" });
    expect((put as Error).message).toContain("the bucket does not exist");
    expect((put as Error).cause).toBeInstanceOf(Error);
    await expect(store.get(name)).rejects.toMatchObject({ code: "E_STORE" });
    // HEAD responses carry no error body: a missing bucket and a missing key look alike there.
    expect(await store.has(name)).toBe(false);
  });

  it("behind the resilient wrapper, a missing bucket is a miss and one warning per kind of operation", async () => {
    const log = captureLog();
    const store = new ResilientStore(s3Store({ bucket: "quire-no-such-bucket" }), { logger: log.logger });
    const name = renditionName();
    for (let i = 0; i < 5; i++) {
      await expect(store.put(name, Buffer.from("x"), "image/jpeg")).resolves.toBeUndefined();
      await expect(store.get(name)).resolves.toBeNull();
    }
    expect(store.failures).toBe(10);
    const warnings = log.warnings();
    expect(warnings.map((w) => w.operation).sort()).toEqual(["read", "upload"]);
    expect(String(warnings[0]!.err)).toContain("NoSuchBucket");
  });

  it("rejects with E_STORE, naming the refused connection, when nothing listens on the endpoint", async () => {
    const store = s3Store({ endpoint: `http://127.0.0.1:${await closedPort()}` });
    const get = await elapsed(() => store.get(renditionName()));
    expect(get.error).toMatchObject({ code: "E_STORE" });
    // Refused by the connection itself, not by a deadline running out.
    expect((get.error as Error).message).toContain("ECONNREFUSED");
    const put = await elapsed(() => store.put(renditionName(), Buffer.from("x"), "image/jpeg"));
    expect(put.error).toMatchObject({ code: "E_STORE" });
    expect((put.error as Error).message).toContain("ECONNREFUSED");
  });

  it("behind the resilient wrapper, an unreachable endpoint is a miss, never an error", async () => {
    const log = captureLog();
    const store = new ResilientStore(s3Store({ endpoint: `http://127.0.0.1:${await closedPort()}` }), {
      logger: log.logger,
    });
    const name = renditionName();
    const get = await elapsed(() => store.get(name));
    expect(get.error).toBeUndefined();
    expect(get.result).toBeNull();
    expect(await store.has(name)).toBe(false);
    await expect(store.put(name, Buffer.from("x"), "image/jpeg")).resolves.toBeUndefined();
    expect(log.warnings().length).toBeGreaterThan(0);
  });

  it("gives up on a server that never answers within its deadline", async () => {
    const hole = await silentServer();
    try {
      const store = s3Store({ endpoint: hole.endpoint, requestTimeoutMs: 60_000, deadlineMs: 800 });
      const get = await elapsed(() => store.get(renditionName()));
      expect(get.error).toMatchObject({ code: "E_STORE" });
      expect((get.error as Error).message).toContain("no answer within 800 ms");
      // A timer never fires early (a busy machine only makes it later): the store did wait for the server.
      expect(get.ms).toBeGreaterThanOrEqual(700);
      // Given up while the server still held its reply (it never sends one), on the 800 ms deadline: the
      // 60 s request timeout would have retried, and the message names the deadline.
      expect(hole.requests()).toBe(1);
      const put = await elapsed(() => store.put(renditionName(), randomBytes(10_000), "image/jpeg"));
      expect(put.error).toMatchObject({ code: "E_STORE" });
      expect((put.error as Error).message).toContain("no answer within 800 ms");
    } finally {
      await hole.close();
    }
  });

  it("gives up on a server that never answers within the request timeout, retries included", async () => {
    const hole = await silentServer();
    try {
      const store = s3Store({ endpoint: hole.endpoint, requestTimeoutMs: 300, deadlineMs: 60_000 });
      const has = await elapsed(() => store.has(renditionName()));
      expect(has.error).toMatchObject({ code: "E_STORE" });
      // Each attempt was cut by the request timeout and retried: both attempts reached the server, where
      // with only the 60 s deadline the first would still be waiting.
      expect(hole.requests()).toBe(2);
    } finally {
      await hole.close();
    }
  });

  it("with a cooldown, skips a silent S3 after the first failure instead of waiting again", async () => {
    const hole = await silentServer();
    try {
      const log = captureLog();
      const store = new ResilientStore(s3Store({ endpoint: hole.endpoint, deadlineMs: 500 }), {
        logger: log.logger,
        cooldownMs: 60_000,
      });
      const first = await elapsed(() => store.get(renditionName()));
      expect(first.result).toBeNull();
      expect(first.ms).toBeGreaterThanOrEqual(400);
      const asked = hole.requests();
      // Skipped: answered before the event loop turns (no socket, no timer), and nothing more is sent.
      let loopTurned = false;
      setImmediate(() => (loopTurned = true));
      const second = await store.get(renditionName());
      expect(loopTurned).toBe(false);
      expect(second).toBeNull();
      expect(hole.requests()).toBe(asked);
      expect(store.coolingDown).toBe(true);
      expect(log.warnings()[0]!.msg).toContain("serving without it for 60 s");
    } finally {
      await hole.close();
    }
  });
});
