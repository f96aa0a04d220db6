/** Decompression bombs: a 20000×20000 PNG is refused from its header — quickly, with flat memory — wherever it is met. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { generateRendition, probeImage } from "../../src/image/pipeline.js";
import { createImageContext } from "../../src/image/render-context.js";
import { renditionName } from "../../src/image/naming.js";
import { planRecipe } from "../../src/image/recipe.js";
import { renditionUrl } from "../../src/image/signing.js";
import { bombPng, contentFolder, makeService, SECRET } from "./images.js";

let bomb: Buffer;
let site: ReturnType<typeof contentFolder>;

beforeAll(() => {
  bomb = bombPng(20_000, 20_000);
  site = contentFolder({ "bomb.png": bomb });
});
afterAll(() => site.remove());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof QuireError) return err.code;
    throw err;
  }
  return "no error";
}

describe("a 20000×20000 PNG bomb", () => {
  it("is small on disk and really declares 400 megapixels", () => {
    expect(bomb.length).toBeLessThan(200_000);
    expect(bomb.readUInt32BE(16)).toBe(20_000);
  });

  it("is refused by the pipeline before decoding, fast, with flat memory", async () => {
    // A recipe for it can only come from a forged plan; the pipeline must still refuse it on its own.
    const recipe = planRecipe({ format: "png", width: 20_000, height: 20_000, pages: 1 }, { width: 100 }, 1, {
      maxInputPixels: Number.MAX_SAFE_INTEGER,
      maxOutputEdge: 4096,
    });
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(probeImage(bomb))).toBe("E_IMAGE_TOO_LARGE");
      expect(await codeOf(generateRendition(bomb, recipe))).toBe("E_IMAGE_TOO_LARGE");
    }
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it("the 50-megapixel ceiling is Quire's own (libvips alone would allow up to 268)", async () => {
    expect(await codeOf(probeImage(bombPng(10_000, 10_000)))).toBe("E_IMAGE_TOO_LARGE");
    expect(await probeImage(bombPng(7_000, 7_000))).toMatchObject({
      format: "png",
      width: 7_000,
      height: 7_000,
    });
  });

  it("is refused when planning, synchronously and not, and the page shows an error in its place", async () => {
    const { service } = makeService(site.dir);
    expect(await codeOf(service.plan("bomb.png", { width: 100 }))).toBe("E_IMAGE_TOO_LARGE");
    expect(await codeOf(Promise.resolve().then(() => service.planSync("bomb.png", { width: 100 })))).toBe(
      "E_IMAGE_TOO_LARGE",
    );
    const html = createImageContext(service).renderImageSet({
      alt: "",
      args: {},
      images: [{ path: "bomb.png", args: {}, title: null }],
    });
    expect(html).toMatch(
      /^<span class="error">Image error: bomb\.png: .*more pixels than the limit allows<\/span>$/,
    );
  });

  it("a signed URL for it (forged with the secret) is answered 422 without decoding", async () => {
    const { service } = makeService(site.dir);
    const recipe = planRecipe({ format: "png", width: 20_000, height: 20_000, pages: 1 }, { width: 100 }, 1);
    const name = renditionName("bomb.png", "0".repeat(64), recipe);
    const url = new URL(
      renditionUrl(name, { path: "bomb.png", scale: 1, args: { width: 100 } }, SECRET),
      "http://x",
    );
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    let error: unknown;
    try {
      await service.serve(name, url.searchParams);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(QuireError);
    expect([(error as QuireError).code, (error as QuireError).status]).toEqual(["E_IMAGE_TOO_LARGE", 422]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
    expect(service.generations).toBe(0);
  });
});
