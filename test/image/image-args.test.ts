/** Image arguments: positional width/height, unknown keys named, each value checked, normalisation stable. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import {
  normalizeImageArgs,
  parseImageArgs,
  pickImageArgs,
  PIXEL_CHECKS,
  unknownArgKeys,
  type ArgMap,
} from "../../src/image/image-args.js";

function errorOf(fn: () => unknown): QuireError {
  try {
    fn();
  } catch (err) {
    if (err instanceof QuireError) return err;
    throw err;
  }
  throw new Error("expected a QuireError");
}

describe("parseImageArgs", () => {
  it("maps up to two positional numbers to width and height", () => {
    expect(parseImageArgs("320")).toEqual({ width: 320 });
    expect(parseImageArgs("320,240, resize='fill'")).toEqual({ width: 320, height: 240, resize: "fill" });
  });

  it("refuses a third positional value and a width given twice", () => {
    expect(errorOf(() => parseImageArgs("1,2,3")).message).toMatch(/at most 2 positional/);
    expect(errorOf(() => parseImageArgs("320, width=640")).field).toBe("width");
  });

  it("leaves out keys it does not know, as Publ ignores them, and lists them for warnings", () => {
    expect(parseImageArgs("320,index_crop=True,fullscreen_width=50")).toEqual({ width: 320 });
    expect(unknownArgKeys("320,index_crop=True,fullscreen_width=50")).toEqual([
      "index_crop",
      "fullscreen_width",
    ]);
  });

  it("names an unknown key given directly (template keywords) and suggests the near one", () => {
    const err = errorOf(() => normalizeImageArgs({ widht: 320 }));
    expect(err.code).toBe("E_IMAGE_SPEC");
    expect(err.field).toBe("widht");
    expect(err.message).toMatch(/Unknown image argument "widht" \(did you mean width\?\)/);
  });
});

describe("normalizeImageArgs", () => {
  it("normalises formats, colours, crops and kernels", () => {
    const args = normalizeImageArgs({
      format: "JPG",
      background: [255, 119, 51],
      crop: "10, 20, 30, 40",
      scale_filter: "bicubic",
      img_style: ["a:b", "c:d"],
      gallery_id: 7,
    });
    expect(args).toEqual({
      format: "jpeg",
      background: "#ff7733",
      crop: [10, 20, 30, 40],
      scale_filter: "cubic",
      img_style: "a:b;c:d",
      gallery_id: "7",
    });
  });

  it("treats None as unset", () => {
    expect(normalizeImageArgs({ width: null, link: null })).toEqual({});
  });

  it.each<[ArgMap, string, string]>([
    [{ width: -1 }, "width", "E_IMAGE_SPEC"],
    [{ width: "wide" }, "width", "E_IMAGE_SPEC"],
    [{ resize: "squash" }, "resize", "E_IMAGE_SPEC"],
    [{ fill_crop_x: 2 }, "fill_crop_x", "E_IMAGE_SPEC"],
    [{ quality: 101 }, "quality", "E_IMAGE_SPEC"],
    [{ crop: [1, 2, 3] }, "crop", "E_IMAGE_SPEC"],
    [{ crop: [0, 0, 0, 10] }, "crop", "E_IMAGE_SPEC"],
    [{ background: "not a colour!" }, "background", "E_IMAGE_SPEC"],
    [{ format: "tiff" }, "format", "E_IMAGE_FORMAT"],
    [{ format: "svg" }, "format", "E_IMAGE_FORMAT"],
    [{ image_loading: "soon" }, "image_loading", "E_IMAGE_SPEC"],
    [{ bogus: 1 }, "bogus", "E_IMAGE_SPEC"],
  ])("refuses %j naming %s", (raw, field, code) => {
    const err = errorOf(() => normalizeImageArgs(raw));
    expect(err.code).toBe(code);
    expect(err.field).toBe(field);
  });

  it("is idempotent on pixel arguments (a signed spec reads back as it was written)", () => {
    const pixelArgs = fc.record(
      {
        width: fc.integer({ min: 1, max: 5000 }),
        height: fc.integer({ min: 1, max: 5000 }),
        max_width: fc.integer({ min: 1, max: 5000 }),
        scale: fc.double({ min: 0.1, max: 10, noNaN: true }),
        resize: fc.constantFrom("fit", "fill", "stretch"),
        crop: fc.tuple(
          fc.nat(100),
          fc.nat(100),
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1, max: 100 }),
        ),
        fill_crop_x: fc.double({ min: 0, max: 1, noNaN: true }),
        format: fc.constantFrom("jpg", "jpeg", "png", "webp", "avif", "gif"),
        quality: fc.integer({ min: 1, max: 100 }),
        background: fc.constantFrom("white", "#abc", [1, 2, 3]),
        scale_filter: fc.constantFrom("lanczos", "nearest", "bilinear"),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(pixelArgs, (raw) => {
        const once = normalizeImageArgs(raw as ArgMap);
        const twice = normalizeImageArgs(JSON.parse(JSON.stringify(once)) as ArgMap, (k) =>
          Object.hasOwn(PIXEL_CHECKS, k),
        );
        expect(twice).toEqual(once);
      }),
    );
  });
});

describe("pickImageArgs", () => {
  it("keeps image keys from template-wide defaults and ignores the rest", () => {
    expect(pickImageArgs({ max_width: 960, footnotes_link: "/x", toc: true, link: () => 1 })).toEqual({
      max_width: 960,
    });
  });
});
