/** The cache fast path in front of a real `http.createServer` on 127.0.0.1: what a browser, curl or
 *  a proxy sees on misses and hits (gzip or not, 304, HEAD), and which responses never get cached. */
import { createServer, request, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pageCacheKey } from "../../src/cache/cache-key.js";
import { createCacheFastPath, X_CACHE_HEADER, X_CACHE_MISS } from "../../src/cache/fast-path.js";
import { MemoryPageCache } from "../../src/cache/memory-cache.js";
import { etagFor } from "../../src/cache/negotiation.js";
import { capturePage } from "../../src/cache/page-capture.js";
import { silentLogger } from "../../src/log.js";

const PAGE = `<!doctype html><title>Hello</title>${"<p>An entry, rendered once.</p>\n".repeat(200)}`;

/** The routes of a stand-in router: one cacheable page and the kinds of response that must not be cached. */
const routes: Record<string, (res: ServerResponse) => void> = {
  "/page": (res) => send(res, 200, { "Content-Type": "text/html; charset=utf-8", ETag: etagFor(PAGE) }, PAGE),
  "/feed": (res) => send(res, 200, { "Content-Type": "application/atom+xml", Vary: "Accept" }, "<feed/>"),
  "/missing": (res) => send(res, 404, { "Content-Type": "text/html" }, "not found"),
  "/busy": (res) => send(res, 503, { "Retry-After": "5" }, "indexing"),
  "/cookie": (res) => send(res, 200, { "Set-Cookie": "session=1" }, "hello you"),
  "/private": (res) => send(res, 200, { "Cache-Control": "private" }, "yours only"),
  "/vary-cookie": (res) => send(res, 200, { Vary: "Cookie" }, "depends on a cookie"),
  "/write-head": (res) => {
    res.writeHead(200, { "Content-Type": "text/plain", "X-Made-By": "writeHead" });
    res.write("part one, ");
    res.end(Buffer.from("part two"));
  },
};

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("Cache-Control", (headers["Cache-Control"] as string | undefined) ?? "public, max-age=60");
  res.end(body);
}

const cache = new MemoryPageCache();
const keyFor = (req: { method?: string; url?: string }): string => {
  const url = new URL(req.url ?? "/", "http://x");
  return pageCacheKey({
    generation: "gen-1",
    templatesFingerprint: "tpl-1",
    method: req.method,
    path: url.pathname,
    query: url.search,
    format: "text/html",
    version: "test",
  });
};
const fastPath = createCacheFastPath({ cache, keyFor, logger: silentLogger() });
let renders = 0;
let finished: Promise<void> = Promise.resolve();

let server: Server;
let port = 0;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request with exact headers (no automatic gzip handling), after the previous response settled. */
async function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Reply> {
  const reply = await new Promise<Reply>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
  // The server stores a page when its response finishes; wait for that before the next request.
  await finished;
  return reply;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (await fastPath(req, res)) return;
    renders++;
    res.setHeader(X_CACHE_HEADER, X_CACHE_MISS);
    capturePage(req, res, { cache, key: keyFor(req), ttlSeconds: 60 });
    // Registered after capturePage's own listener, so it runs once the page has been stored.
    finished = new Promise((resolve) => res.once("finish", () => setImmediate(resolve)));
    const route = routes[new URL(req.url ?? "/", "http://x").pathname];
    if (route) route(res);
    else send(res, 404, {}, "no route");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(async () => {
  await cache.close();
  renders = 0;
});

describe("cache fast path", () => {
  it("renders the first request (X-Cache: miss) and serves the second from cache with the same ETag", async () => {
    const first = await get("/page", { "Accept-Encoding": "gzip" });
    const second = await get("/page", { "Accept-Encoding": "gzip" });
    expect(first.headers["x-cache"]).toBe("miss");
    expect(second.headers["x-cache"]).toBe("hit");
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(second.headers["cache-control"]).toBe("public, max-age=60");
    expect(renders).toBe(1);
  });

  it("sends the stored gzip bytes to a client that accepts gzip", async () => {
    await get("/page");
    const hit = await get("/page", { "Accept-Encoding": "br, gzip;q=0.8, deflate" });
    expect(hit.headers["content-encoding"]).toBe("gzip");
    expect(hit.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(hit.headers["content-length"])).toBe(hit.body.length);
    expect(hit.body.length).toBeLessThan(Buffer.byteLength(PAGE));
    expect(gunzipSync(hit.body).toString()).toBe(PAGE);
  });

  for (const acceptEncoding of [undefined, "identity", "gzip;q=0", "gzip;q=0, *", "br"]) {
    it(`sends the inflated page when Accept-Encoding is ${acceptEncoding ?? "absent"}`, async () => {
      await get("/page");
      const hit = await get(
        "/page",
        acceptEncoding === undefined ? {} : { "Accept-Encoding": acceptEncoding },
      );
      expect(hit.headers["x-cache"]).toBe("hit");
      expect(hit.headers["content-encoding"]).toBeUndefined();
      expect(hit.headers.vary).toMatch(/accept-encoding/i);
      expect(hit.body.toString()).toBe(PAGE);
      expect(Number(hit.headers["content-length"])).toBe(Buffer.byteLength(PAGE));
    });
  }

  it("keeps a stored Vary and adds Accept-Encoding to it", async () => {
    await get("/feed");
    const hit = await get("/feed");
    expect(hit.headers["x-cache"]).toBe("hit");
    expect(hit.headers.vary).toBe("Accept, Accept-Encoding");
  });

  it("answers a matching If-None-Match with an empty 304 from the cache", async () => {
    const first = await get("/page");
    const etag = first.headers.etag as string;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const reply = await get("/page", { "If-None-Match": ifNoneMatch });
      expect(reply.status).toBe(304);
      expect(reply.body.length).toBe(0);
      expect(reply.headers.etag).toBe(etag);
      expect(reply.headers["x-cache"]).toBe("hit");
    }
    const changed = await get("/page", { "If-None-Match": '"stale"' });
    expect(changed.status).toBe(200);
    expect(changed.body.toString()).toBe(PAGE);
    expect(renders).toBe(1);
  });

  it("answers HEAD from the cache with the GET's headers and no body", async () => {
    await get("/page");
    const full = await get("/page", { "Accept-Encoding": "gzip" });
    const variants: Array<Record<string, string>> = [{ "Accept-Encoding": "gzip" }, {}];
    for (const headers of variants) {
      const head = await get("/page", headers, "HEAD");
      expect(head.status).toBe(200);
      expect(head.headers["x-cache"]).toBe("hit");
      expect(head.body.length).toBe(0);
      const expected = "Accept-Encoding" in headers ? full.body.length : Buffer.byteLength(PAGE);
      expect(Number(head.headers["content-length"])).toBe(expected);
    }
  });

  it("never stores the empty body of a HEAD response as the page", async () => {
    const head = await get("/page", {}, "HEAD");
    expect(head.headers["x-cache"]).toBe("miss");
    expect((await get("/page")).body.toString()).toBe(PAGE);
    const hit = await get("/page");
    expect(hit.headers["x-cache"]).toBe("hit");
    expect(hit.body.toString()).toBe(PAGE);
  });

  for (const [name, value] of [
    ["Authorization", "Basic cXVpcmU6c2VjcmV0"],
    ["Cookie", "session=abc"],
  ]) {
    it(`bypasses the cache for a request with ${name}`, async () => {
      await get("/page");
      const reply = await get("/page", { [name as string]: value as string });
      expect(reply.headers["x-cache"]).toBe("miss");
      expect(renders).toBe(2);
    });
  }

  it("does not serve a POST from the cache", async () => {
    await get("/page");
    const reply = await get("/page", {}, "POST");
    expect(reply.headers["x-cache"]).toBe("miss");
  });

  for (const path of ["/missing", "/busy", "/cookie", "/private", "/vary-cookie"]) {
    it(`never caches ${path.slice(1)} responses`, async () => {
      const first = await get(path);
      const second = await get(path);
      expect(first.headers["x-cache"]).toBe("miss");
      expect(second.headers["x-cache"]).toBe("miss");
      expect(second.body.toString()).toBe(first.body.toString());
      expect(renders).toBe(2);
    });
  }

  it("caches what the router wrote through writeHead and several writes", async () => {
    await get("/write-head");
    const hit = await get("/write-head");
    expect(hit.headers["x-cache"]).toBe("hit");
    expect(hit.headers["x-made-by"]).toBe("writeHead");
    expect(hit.headers["content-type"]).toBe("text/plain");
    expect(hit.body.toString()).toBe("part one, part two");
  });
});
