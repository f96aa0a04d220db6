/** Decompression bombs: a 20000×20000 PNG is refused from its header, before any pixel is decoded and with flat
 *  memory, wherever it is met. A bomb whose pixel data is broken shows it: decoding it would fail otherwise. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { generateRendition, probeImage } from "../../src/image/pipeline.js";
import { createImageContext } from "../../src/image/render-context.js";
import { renditionName } from "../../src/image/naming.js";
import { DEFAULT_LIMITS, planRecipe } from "../../src/image/recipe.js";
import { renditionUrl } from "../../src/image/signing.js";
import { bombPng, contentFolder, makeService, SECRET } from "./images.js";

let bomb: Buffer;
/** The same header over pixel data that is not even a zlib stream: any attempt to decode it fails as such. */
let brokenBomb: Buffer;
let site: ReturnType<typeof contentFolder>;

beforeAll(() => {
  bomb = bombPng(20_000, 20_000);
  brokenBomb = bombPng(20_000, 20_000, Buffer.from("noise, not a zlib stream ".repeat(8)));
  site = contentFolder({ "bomb.png": bomb, "broken-bomb.png": brokenBomb });
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

  it("is refused by the pipeline before decoding, with flat memory", async () => {
    // A recipe for it can only come from a forged plan; the pipeline must still refuse it on its own.
    const recipe = planRecipe({ format: "png", width: 20_000, height: 20_000, pages: 1 }, { width: 100 }, 1, {
      maxInputPixels: Number.MAX_SAFE_INTEGER,
      maxOutputEdge: 4096,
    });
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(probeImage(bomb))).toBe("E_IMAGE_TOO_LARGE");
      expect(await codeOf(generateRendition(bomb, recipe))).toBe("E_IMAGE_TOO_LARGE");
    }
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
    // Refused from the header: the broken pixel data is never reached...
    expect(await codeOf(probeImage(brokenBomb))).toBe("E_IMAGE_TOO_LARGE");
    expect(await codeOf(generateRendition(brokenBomb, recipe))).toBe("E_IMAGE_TOO_LARGE");
    // ...where, with the pixel limit lifted, decoding it is attempted and fails on that data.
    const unlimited = { ...DEFAULT_LIMITS, maxInputPixels: Number.MAX_SAFE_INTEGER };
    expect(await codeOf(generateRendition(brokenBomb, recipe, unlimited))).toBe("E_IMAGE_DECODE");
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
    const rssBefore = process.memoryUsage().rss;
    for (const source of ["bomb.png", "broken-bomb.png"]) {
      const name = renditionName(source, "0".repeat(64), recipe);
      const url = new URL(
        renditionUrl(name, { path: source, scale: 1, args: { width: 100 } }, SECRET),
        "http://x",
      );
      let error: unknown;
      try {
        await service.serve(name, url.searchParams);
      } catch (err) {
        error = err;
      }
      // For the broken bomb, a decode would have been refused as E_IMAGE_DECODE: the header alone refused it.
      expect(error).toBeInstanceOf(QuireError);
      expect([(error as QuireError).code, (error as QuireError).status]).toEqual(["E_IMAGE_TOO_LARGE", 422]);
    }
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 1024 * 1024);
    // No rendition was made.
    expect(service.generations).toBe(0);
  });
});
