/**
 * Issue 21, item 7: renditions had no time limit (an AVIF at quality 100 and 4096² took 76 s), two slow ones
 * filled both generation slots so every other new image waited, and SIGTERM waited for them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import type { ImageArgs } from "../../src/image/image-args.js";
import { COSTLY_RENDITION, renditionCost } from "../../src/image/cost.js";
import { planRecipe } from "../../src/image/recipe.js";
import { contentFolder, makeService, photo, serveUrl } from "./images.js";

let site: ReturnType<typeof contentFolder>;

beforeAll(async () => {
  site = contentFolder({ "big.png": await photo(4096, 4096, "png"), "small.jpg": await photo(400, 300) });
}, 120_000);
afterAll(() => site.remove());

const big = (quality: number, width = 4096): ImageArgs => ({ width, format: "avif", quality }) as ImageArgs;
const small: ImageArgs = { width: 200 } as ImageArgs;

describe("the cost of a rendition", () => {
  it("puts a 4096² AVIF far above the threshold and a thumbnail far below it", () => {
    const source = { format: "png" as const, width: 4096, height: 4096, pages: 1 };
    const avif = planRecipe(source, { width: 4096, format: "avif" }, 1);
    const thumb = planRecipe({ format: "jpeg", width: 400, height: 300, pages: 1 }, { width: 200 }, 1);
    expect(renditionCost(avif, source)).toBeGreaterThan(10 * COSTLY_RENDITION);
    expect(renditionCost(thumb, { width: 400, height: 300, pages: 1 })).toBeLessThan(COSTLY_RENDITION / 10);
  });
});

describe("renditions in lanes", () => {
  it("a cheap rendition asked for after two costly ones is made first", async () => {
    const { service } = makeService(site.dir, { concurrency: 2 });
    const order: string[] = [];
    const track = (label: string, p: Promise<unknown>) =>
      p.then(
        () => order.push(label),
        () => order.push(`${label} failed`),
      );
    const costly = [100, 99].map((q) =>
      track(`avif ${q}`, serveUrl(service, service.planSync("big.png", big(q, 1536)).x1.url)),
    );
    // The thumbnail is asked for once the big source is read: asked for at once, it would take a slot first
    // whatever the lanes, its small source being read sooner. Both costly requests wait on the same read, so when
    // the first encoder has started, the second holds a slot too or waits for one.
    while (service.generations < 1) await new Promise((r) => setImmediate(r));
    const cheap = track("thumbnail", serveUrl(service, service.planSync("small.jpg", small).x1.url));
    await cheap;
    // What is tested is the order: once the thumbnail is made, the costly encoders are stopped rather than left to
    // finish (two AVIFs at quality 99-100 cost seconds of CPU each). Made before the thumbnail, they come first.
    service.stop();
    await Promise.all(costly);
    expect(order[0]).toBe("thumbnail");
    expect(order).toHaveLength(3);
  }, 300_000);
});

describe("the time budget of a rendition", () => {
  it("answers a rendition that takes longer than its budget with a 503 that says so", async () => {
    const { service, store } = makeService(site.dir, { budgetMs: 1000 });
    const url = service.planSync("big.png", big(98)).x1.url;
    const err = await serveUrl(service, url).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(QuireError);
    expect((err as QuireError).code).toBe("E_IMAGE_TIMEOUT");
    expect((err as QuireError).status).toBe(503);
    expect((err as QuireError).message).toContain("big.png");
    expect(store.size).toBe(0);
  }, 120_000);
});

describe("stopping the server", () => {
  it("answers a request waiting for a slow rendition at once, before the rendition is made", async () => {
    // The costly rendition's encoder process is killed by stop(). The budget is far off: on a loaded machine the
    // encoder can take seconds to start, and what is tested is stop(), not the budget.
    const { service, store } = makeService(site.dir, { budgetMs: 600_000 });
    const url = service.planSync("big.png", big(97)).x1.url;
    const waiting = serveUrl(service, url).then(
      () => null,
      (e: unknown) => e,
    );
    // The generation has started (it holds a slot) when the server is told to stop.
    while (service.generations === 0) await new Promise((r) => setImmediate(r));
    service.stop();
    const err = await waiting;
    expect((err as QuireError).code).toBe("E_NOT_READY");
    expect((err as QuireError).status).toBe(503);
    // Answered before the rendition was finished and stored.
    expect(store.size).toBe(0);
    // And no new generation starts.
    await expect(serveUrl(service, service.planSync("small.jpg", small).x1.url)).rejects.toThrow(/stopping/);
  }, 120_000);
});
