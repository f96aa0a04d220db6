/** Rendition geometry as a table: fit, fill, stretch, crop, max_*, scale, density, never upscaling, the edge limit. */
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { planGeometry, type Geometry } from "../../src/image/geometry.js";
import type { PixelArgs } from "../../src/image/image-args.js";

type Row = [string, { width: number; height: number }, PixelArgs, 1 | 2, Geometry];

const src = { width: 4000, height: 3000 };
const small = { width: 400, height: 300 };

const rows: Row[] = [
  ["no arguments: the source size", src, {}, 1, { width: 4000, height: 3000, region: null }],
  ["no arguments 2x is clamped to the edge limit", src, {}, 2, { width: 4000, height: 3000, region: null }],
  ["width keeps the aspect", src, { width: 640 }, 1, { width: 640, height: 480, region: null }],
  ["width 2x doubles", src, { width: 640 }, 2, { width: 1280, height: 960, region: null }],
  ["height keeps the aspect", src, { height: 300 }, 1, { width: 400, height: 300, region: null }],
  [
    "fit into a box: the tighter side wins",
    src,
    { width: 640, height: 640 },
    1,
    { width: 640, height: 480, region: null },
  ],
  [
    "max_width below width wins",
    src,
    { width: 640, max_width: 320 },
    1,
    { width: 320, height: 240, region: null },
  ],
  ["max_height alone", src, { max_height: 150 }, 1, { width: 200, height: 150, region: null }],
  ["scale divides", src, { scale: 4 }, 1, { width: 1000, height: 750, region: null }],
  ["scale 2x", src, { scale: 4 }, 2, { width: 2000, height: 1500, region: null }],
  [
    "scale_min_width lifts a small scale",
    src,
    { scale: 10, scale_min_width: 800 },
    1,
    { width: 800, height: 600, region: null },
  ],
  ["never upscale 1x", small, { width: 1000 }, 1, { width: 400, height: 300, region: null }],
  ["2x clamped to the source equals 1x", small, { width: 300 }, 2, { width: 400, height: 300, region: null }],
  ["2x of a source-sized 1x", small, { width: 400 }, 2, { width: 400, height: 300, region: null }],
  ["edge limit", { width: 10000, height: 2000 }, {}, 1, { width: 4096, height: 819, region: null }],
  [
    "fill crops the centre",
    src,
    { width: 300, height: 300, resize: "fill" },
    1,
    { width: 300, height: 300, region: { left: 500, top: 0, width: 3000, height: 3000 } },
  ],
  [
    "fill positioned by fill_crop_x/y",
    src,
    { width: 300, height: 300, resize: "fill", fill_crop_x: 0, fill_crop_y: 1 },
    1,
    { width: 300, height: 300, region: { left: 0, top: 0, width: 3000, height: 3000 } },
  ],
  [
    "fill tall box, bottom",
    src,
    { width: 100, height: 300, resize: "fill", fill_crop_y: 1 },
    1,
    { width: 100, height: 300, region: { left: 1500, top: 0, width: 1000, height: 3000 } },
  ],
  [
    "fill 2x keeps the region and doubles",
    src,
    { width: 300, height: 300, resize: "fill" },
    2,
    { width: 600, height: 600, region: { left: 500, top: 0, width: 3000, height: 3000 } },
  ],
  [
    "fill larger than the source shrinks to fit, keeping the box shape",
    small,
    { width: 600, height: 600, resize: "fill" },
    1,
    { width: 300, height: 300, region: { left: 50, top: 0, width: 300, height: 300 } },
  ],
  [
    "fill with the source's own aspect cuts nothing",
    src,
    { width: 400, height: 300, resize: "fill" },
    1,
    { width: 400, height: 300, region: null },
  ],
  [
    "stretch distorts",
    src,
    { width: 300, height: 300, resize: "stretch" },
    1,
    { width: 300, height: 300, region: null },
  ],
  [
    "stretch 2x clamps both sides together",
    small,
    { width: 300, height: 200, resize: "stretch" },
    2,
    { width: 400, height: 267, region: null },
  ],
  [
    "fill with scale: the box is the tighter of width and source/scale",
    src,
    { scale: 10, width: 640, height: 200, resize: "fill" },
    1,
    { width: 400, height: 200, region: { left: 0, top: 500, width: 4000, height: 2000 } },
  ],
  [
    "crop first, then fit",
    src,
    { crop: [100, 200, 800, 400], width: 400 },
    1,
    { width: 400, height: 200, region: { left: 100, top: 200, width: 800, height: 400 } },
  ],
  [
    "crop clipped to the source",
    small,
    { crop: [300, 200, 500, 500] },
    1,
    { width: 100, height: 100, region: { left: 300, top: 200, width: 100, height: 100 } },
  ],
  [
    "crop of the whole image is no crop",
    small,
    { crop: [0, 0, 400, 300] },
    1,
    { width: 400, height: 300, region: null },
  ],
  [
    "crop then fill: region inside the crop",
    src,
    { crop: [1000, 1000, 2000, 1000], width: 100, height: 100, resize: "fill", fill_crop_x: 0 },
    1,
    { width: 100, height: 100, region: { left: 1000, top: 1000, width: 1000, height: 1000 } },
  ],
];

describe("planGeometry", () => {
  it.each(rows)("%s", (_label, source, args, scale, expected) => {
    expect(planGeometry(source, args, scale)).toEqual(expected);
  });

  it("refuses a crop entirely outside the image", () => {
    expect(() => planGeometry(small, { crop: [500, 0, 10, 10] })).toThrow(QuireError);
  });

  it("never produces an output larger than the source or the edge limit, or smaller than 1px", () => {
    for (const width of [1, 3, 7, 640, 5000]) {
      for (const resize of ["fit", "fill", "stretch"] as const) {
        for (const scale of [1, 2] as const) {
          const g = planGeometry({ width: 1000, height: 7 }, { width, height: 5, resize }, scale);
          expect(g.width).toBeGreaterThanOrEqual(1);
          expect(g.height).toBeGreaterThanOrEqual(1);
          expect(g.width).toBeLessThanOrEqual(1000);
          expect(g.height).toBeLessThanOrEqual(7);
        }
      }
    }
  });
});
