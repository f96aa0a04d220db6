/** Output formats, quality, transparency, animation, SVG passthrough, and the decoders Quire refuses. */
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { probeHeader } from "../../src/image/header-probe.js";
import { generateRendition, probeImage } from "../../src/image/pipeline.js";
import { planRecipe } from "../../src/image/recipe.js";
import { animatedGif, decoded, photo, pixel, transparentPng } from "./images.js";
import { renderBytes } from "./render-helpers.js";

let jpeg: Buffer;
let clear: Buffer;
let gif: Buffer;

beforeAll(async () => {
  jpeg = await photo(640, 480);
  clear = await transparentPng(64, 64);
  gif = await animatedGif(60, 40);
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof QuireError) return err.code;
    throw err;
  }
  return "no error";
}

describe("formats", () => {
  it.each(["jpeg", "png", "webp", "avif", "gif"] as const)("writes %s when asked", async (format) => {
    const { meta, out } = await renderBytes(jpeg, { width: 100, format });
    expect(meta.format).toBe(format === "avif" ? "heif" : format);
    expect(out.contentType).toBe(`image/${format}`);
    expect(meta.width).toBe(100);
  });

  it("keeps the source's format by default", async () => {
    for (const format of ["jpeg", "png", "webp", "gif"] as const) {
      const source = await photo(50, 50, format);
      expect((await renderBytes(source, { width: 20 })).meta.format).toBe(format);
    }
  });

  it("higher quality makes a bigger file", async () => {
    for (const format of ["jpeg", "webp", "avif"] as const) {
      const low = await renderBytes(jpeg, { format, quality: 20 });
      const high = await renderBytes(jpeg, { format, quality: 95 });
      expect(high.out.body.length, format).toBeGreaterThan(low.out.body.length);
    }
  });

  it("quality_ldpi and quality_hdpi apply to their own density", async () => {
    const one = await renderBytes(jpeg, { width: 200, quality_ldpi: 10, quality_hdpi: 95 }, 1);
    const onePlain = await renderBytes(jpeg, { width: 200, quality: 95 }, 1);
    expect(one.out.body.length).toBeLessThan(onePlain.out.body.length);
    expect(one.recipe.kind === "pixels" && one.recipe.quality).toBe(10);
  });

  it("lossless WebP reproduces the pixels exactly", async () => {
    const png = await photo(40, 30, "png");
    const { out } = await renderBytes(png, { format: "webp", lossless: true });
    expect(await pixel(out.body, 17, 11)).toEqual(await pixel(png, 17, 11));
  });
});

describe("transparency", () => {
  it("flattens onto white when converting to JPEG", async () => {
    const { out } = await renderBytes(clear, { format: "jpeg" });
    const [r, g, b] = await pixel(out.body, 10, 10);
    expect(Math.min(r, g, b)).toBeGreaterThan(245);
  });

  it("flattens onto the asked background", async () => {
    const { out, meta } = await renderBytes(clear, { background: [0, 128, 0] });
    expect(meta.format).toBe("png");
    const [r, g, b] = await pixel(out.body, 10, 10);
    expect([r, Math.abs(g - 128) < 3, b]).toEqual([0, true, 0]);
    expect((await sharp(out.body).metadata()).hasAlpha).toBe(false);
  });

  it("keeps alpha in PNG and WebP", async () => {
    for (const format of ["png", "webp"] as const) {
      const { out } = await renderBytes(clear, { format });
      expect((await sharp(out.body).metadata()).hasAlpha, format).toBe(true);
    }
  });

  it("refuses an unknown colour name when planning", async () => {
    const info = await probeImage(clear);
    const recipe = planRecipe(info, { background: "notacolour" }, 1);
    expect(await codeOf(generateRendition(clear, recipe))).toBe("E_IMAGE_SPEC");
  });
});

describe("animation", () => {
  it("an animated GIF scaled stays animated, as GIF or WebP", async () => {
    for (const format of ["gif", "webp"] as const) {
      const { meta } = await renderBytes(gif, { width: 30, format });
      expect(meta.pages, format).toBe(3);
      expect([meta.width, meta.height]).toEqual([30, 20]);
    }
  });

  it("a crop or a still format takes the first frame", async () => {
    expect((await renderBytes(gif, { crop: [0, 0, 30, 20] })).meta.pages).toBe(1);
    expect((await renderBytes(gif, { width: 30, format: "png" })).meta.pages).toBe(1);
  });
});

describe("SVG", () => {
  const svg = Buffer.from(
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"><script>alert(1)</script><rect width="120" height="60"/></svg>',
  );

  it("is passed through as-is, never rasterised, whatever the arguments", async () => {
    const info = await probeImage(svg);
    expect(info).toMatchObject({ format: "svg", width: 120, height: 60 });
    const recipe = planRecipe(info, { width: 30, format: "png" }, 1);
    const out = await generateRendition(svg, recipe);
    expect(out.body.equals(svg)).toBe(true);
    expect(out.contentType).toBe("image/svg+xml");
  });
});

describe("refused inputs", () => {
  it("TIFF is not on the safe list (its decoder is blocked)", async () => {
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } })
      .tiff()
      .toBuffer();
    expect(await codeOf(probeImage(tiff))).toBe("E_IMAGE_DECODE");
    expect(probeHeader(tiff)).toBeNull();
  });

  it("garbage and truncated files are E_IMAGE_DECODE", async () => {
    expect(await codeOf(probeImage(Buffer.from("definitely not an image")))).toBe("E_IMAGE_DECODE");
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    const info = await probeImage(truncated);
    expect(await codeOf(generateRendition(truncated, planRecipe(info, { width: 100 }, 1)))).toBe(
      "E_IMAGE_DECODE",
    );
  });
});

describe("header probe agrees with libvips", () => {
  it.each(["jpeg", "png", "webp", "gif", "avif"] as const)("%s", async (format) => {
    const bytes = await photo(123, 45, format);
    const vips = await probeImage(bytes);
    expect(probeHeader(bytes)).toEqual(vips);
  });

  it("animated GIF and WebP frame counts", async () => {
    const webp = await sharp(gif, { animated: true }).webp().toBuffer();
    for (const bytes of [gif, webp]) {
      const vips = await probeImage(bytes);
      expect(vips.pages).toBe(3);
      expect(probeHeader(bytes)).toEqual(vips);
    }
  });

  it.each(["png", "webp", "avif"] as const)("%s with EXIF orientation 6", async (format) => {
    const bytes = await sharp(await photo(60, 30, "png"))
      .toFormat(format)
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const vips = await probeImage(bytes);
    expect(vips).toMatchObject({ width: 30, height: 60 });
    expect(probeHeader(bytes)).toEqual(vips);
  });

  it("lossless WebP", async () => {
    const bytes = await sharp(await photo(77, 33, "png"))
      .webp({ lossless: true })
      .toBuffer();
    expect(probeHeader(bytes)).toEqual(await probeImage(bytes));
    expect(await decoded(bytes)).toMatchObject({ width: 77, height: 33 });
  });
});
