/** The rendition service: store hits, single flight, self-healing from the URL alone, and every failure as a typed error. */
import MarkdownIt from "markdown-it";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { imageSyntaxPlugin } from "../../src/image/markdown-plugin.js";
import { createImageContext } from "../../src/image/render-context.js";
import { RenditionService } from "../../src/image/rendition-service.js";
import {
  animatedGif,
  contentFolder,
  decoded,
  makeService,
  photo,
  renditionUrls,
  SECRET,
  serveUrl,
} from "./images.js";
import { FullStore, MemoryStore } from "./memory-store.js";

const md = new MarkdownIt({ html: true }).use(imageSyntaxPlugin);
let site: ReturnType<typeof contentFolder>;

beforeEach(async () => {
  site = contentFolder({
    "blog/cat.jpg": await photo(800, 600),
    "blog/dog.png": await photo(300, 200, "png"),
    "blog/wag.gif": await animatedGif(80, 60),
    "blog/logo.svg":
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>',
  });
});
afterEach(() => site.remove());

function pageHtml(service: RenditionService): string {
  const quire = createImageContext(service, { entryFile: "blog/post.md" });
  const markdown = [
    '![Trip{gallery_id="trip", count=2}](cat.jpg{320} "Cat" | dog.png{100,100,resize="fill"} | wag.gif{40})',
    "",
    '![](cat.jpg{crop=(100,100,300,300), format="webp"}) ![](logo.svg{10}) ![](wag.gif{40, format="webp"})',
    "",
    '[big](cat.jpg{format="avif", quality=40, width=160})',
  ].join("\n");
  return md.render(markdown, { quire });
}

async function errorOf(promise: Promise<unknown>): Promise<QuireError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof QuireError) return err;
    throw err;
  }
  throw new Error("expected a QuireError");
}

function split(url: string): { name: string; query: URLSearchParams } {
  const u = new URL(url, "http://x");
  return { name: u.pathname.slice("/_img/".length), query: u.searchParams };
}

describe("serving", () => {
  it("generates on a miss, then answers from the store", async () => {
    const { service, store } = makeService(site.dir);
    const plan = await service.plan("blog/cat.jpg", { width: 320 });
    const { name, query } = split(plan.x1.url);
    const first = await service.serve(name, query);
    expect(first).toMatchObject({
      name,
      contentType: "image/jpeg",
      etag: `"${name}"`,
      immutable: true,
      generated: true,
    });
    const second = await service.serve(name, undefined);
    expect(second.generated).toBe(false);
    expect(second.body.equals(first.body)).toBe(true);
    expect(service.generations).toBe(1);
    expect(store.size).toBe(1);
  });

  it("20 concurrent requests for one missing rendition make exactly one generation", async () => {
    const { service, store } = makeService(site.dir);
    const { name, query } = split(service.planSync("blog/cat.jpg", { width: 500, format: "webp" }).x1.url);
    const answers = await Promise.all(Array.from({ length: 20 }, () => service.serve(name, query)));
    expect(service.generations).toBe(1);
    expect(store.puts).toBe(1);
    for (const a of answers) expect(a.body.equals(answers[0]!.body)).toBe(true);
  });

  it("plans the same URLs synchronously and asynchronously", async () => {
    const { service } = makeService(site.dir);
    const asyncPlan = await service.plan("blog/wag.gif", { width: 40 });
    const fresh = makeService(site.dir).service;
    expect(fresh.planSync("blog/wag.gif", { width: 40 })).toEqual(asyncPlan);
  });

  it("serves an SVG as it is, with a policy that keeps its scripts from running", async () => {
    const { service } = makeService(site.dir);
    const plan = await service.plan("blog/logo.svg", { width: 10 });
    expect(plan.x2).toBeNull();
    expect([plan.width, plan.height]).toEqual([40, 20]);
    const served = await service.serve(split(plan.x1.url).name, split(plan.x1.url).query);
    expect(served.contentType).toBe("image/svg+xml");
    expect(served.contentSecurityPolicy).toMatch(/default-src 'none'/);
    expect(served.body.toString()).toContain("<rect");
  });
});

describe("self-healing", () => {
  it("every URL of a rendered page works again after the store is wiped, with the same bytes", async () => {
    const { service, store } = makeService(site.dir);
    const urls = renditionUrls(pageHtml(service));
    expect(urls.length).toBeGreaterThanOrEqual(8);
    const before = await Promise.all(urls.map((u) => serveUrl(service, u)));
    store.clear();
    const after = await Promise.all(urls.map((u) => serveUrl(service, u)));
    after.forEach((bytes, i) => expect(bytes.equals(before[i]!), urls[i]).toBe(true));
  });

  it("a second instance with an empty store and the same secret serves the first one's URLs", async () => {
    const first = makeService(site.dir).service;
    const urls = renditionUrls(pageHtml(first));
    const before = await Promise.all(urls.map((u) => serveUrl(first, u)));
    const second = makeService(site.dir).service;
    const after = await Promise.all(urls.map((u) => serveUrl(second, u)));
    after.forEach((bytes, i) => expect(bytes.equals(before[i]!), urls[i]).toBe(true));
    expect(second.generations).toBe(urls.length);
    // The sizes are the planned ones, decoded.
    const plan = first.planSync("blog/cat.jpg", { width: 320 });
    expect(await decoded(await serveUrl(second, plan.x2!.url))).toMatchObject({ width: 640, height: 480 });
  });

  it("an instance with another secret refuses them", async () => {
    const urls = renditionUrls(pageHtml(makeService(site.dir).service));
    const other = new RenditionService({
      store: new MemoryStore(),
      contentDir: site.dir,
      secret: "another",
      logger: pino({ level: "silent" }),
    });
    expect((await errorOf(serveUrl(other, urls[0]!))).code).toBe("E_IMAGE_SIGNATURE");
  });
});

describe("refusals", () => {
  it("tampered, unsigned or malformed requests are E_IMAGE_SIGNATURE (400), before any work", async () => {
    const { service } = makeService(site.dir);
    const { name, query } = split(service.planSync("blog/cat.jpg", { width: 320 }).x1.url);
    const tampered = new URLSearchParams(query);
    tampered.set(
      "s",
      Buffer.from(JSON.stringify({ p: "blog/cat.jpg", x: 1, a: { width: 4000 } })).toString("base64url"),
    );
    for (const [n, q] of [
      [name, tampered],
      [name, undefined],
      [name, "s=abc"],
      ["../../etc/passwd", query],
      ["cat.jpg", query],
    ] as const) {
      const err = await errorOf(service.serve(n, q));
      expect(err.code).toBe("E_IMAGE_SIGNATURE");
      expect(err.status).toBe(400);
    }
    expect(service.generations).toBe(0);
  });

  it("a source that is gone is E_IMAGE_NOT_FOUND (404); one that no longer decodes is E_IMAGE_DECODE (422)", async () => {
    const { service } = makeService(site.dir);
    const cat = split(service.planSync("blog/cat.jpg", { width: 320 }).x1.url);
    const dog = split(service.planSync("blog/dog.png", { width: 50 }).x1.url);
    site.write("blog/dog.png", "garbage, not a png");
    const { rmSync } = await import("node:fs");
    rmSync(`${site.dir}/blog/cat.jpg`);
    expect((await errorOf(service.serve(cat.name, cat.query))).status).toBe(404);
    const bad = await errorOf(service.serve(dog.name, dog.query));
    expect([bad.code, bad.status]).toEqual(["E_IMAGE_DECODE", 422]);
  });

  it("when the source changed, an old URL gets today's picture, not marked immutable", async () => {
    const { service } = makeService(site.dir);
    const old = split(service.planSync("blog/cat.jpg", { width: 320 }).x1.url);
    site.write("blog/cat.jpg", await photo(400, 400));
    const served = await service.serve(old.name, old.query);
    expect(served.immutable).toBe(false);
    expect(served.name).not.toBe(old.name);
    expect(await decoded(served.body)).toMatchObject({ width: 320, height: 320 });
    // And a new render plans the new picture.
    expect((await service.plan("blog/cat.jpg", { width: 320 })).height).toBe(320);
  });
});

describe("store failures", () => {
  it("a failing write is logged and the bytes are still served", async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: "warn" },
      new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }),
    );
    const service = new RenditionService({
      store: new FullStore(),
      contentDir: site.dir,
      secret: SECRET,
      logger,
    });
    const { name, query } = split(service.planSync("blog/cat.jpg", { width: 100 }).x1.url);
    const served = await service.serve(name, query);
    expect(await decoded(served.body)).toMatchObject({ width: 100 });
    expect(lines.join("")).toMatch(/could not store rendition/);
  });

  it("a failing read regenerates instead of failing the request", async () => {
    class BrokenStore extends MemoryStore {
      override async get(): Promise<never> {
        throw new QuireError("E_STORE", "disk on fire");
      }
    }
    const { service } = makeService(site.dir, { store: new BrokenStore() });
    const { name, query } = split(service.planSync("blog/cat.jpg", { width: 100 }).x1.url);
    expect((await service.serve(name, query)).generated).toBe(true);
  });
});

describe("configuration", () => {
  it("needs a secret", () => {
    expect(
      () =>
        new RenditionService({
          store: new MemoryStore(),
          contentDir: site.dir,
          secret: "",
          logger: pino({ level: "silent" }),
        }),
    ).toThrow(/site secret is required/);
  });
});
