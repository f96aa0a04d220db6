/** EXIF orientation: all eight, sized on the oriented picture, with the red corner where a viewer would see it. */
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { probeHeader } from "../../src/image/header-probe.js";
import { probeImage } from "../../src/image/pipeline.js";
import { cornerImage, pixel, withOrientation } from "./images.js";
import { renderBytes } from "./render-helpers.js";

// The stored picture is 80×40 with red in its stored top-left; EXIF says how to turn it for display.
const WHERE_RED_SHOWS: Record<number, "tl" | "tr" | "bl" | "br"> = {
  1: "tl",
  2: "tr",
  3: "br",
  4: "bl",
  5: "tl",
  6: "tr",
  7: "br",
  8: "bl",
};

let stored: Buffer;
const corpus = new Map<number, Buffer>();

beforeAll(async () => {
  stored = await cornerImage(80, 40);
  for (let n = 1; n <= 8; n++) corpus.set(n, await withOrientation(stored, n));
});

function isRed([r, g, b]: [number, number, number]): boolean {
  return r > 180 && g < 80 && b < 80;
}

describe.each([1, 2, 3, 4, 5, 6, 7, 8])("orientation %i", (n) => {
  const quarterTurn = n >= 5;

  it("the file really carries the orientation", async () => {
    expect((await sharp(corpus.get(n)!).metadata()).orientation).toBe(n);
  });

  it("is measured after orientation, by libvips and by the header probe", async () => {
    const expected = quarterTurn ? { width: 40, height: 80 } : { width: 80, height: 40 };
    expect(await probeImage(corpus.get(n)!)).toMatchObject(expected);
    expect(probeHeader(corpus.get(n)!)).toMatchObject(expected);
  });

  it("renders upright at the planned size, red corner in place", async () => {
    const { meta, out } = await renderBytes(corpus.get(n)!, { width: 20, format: "png" });
    const [w, h] = quarterTurn ? [20, 40] : [20, 10];
    expect([meta.width, meta.height]).toEqual([w, h]);
    const corners = { tl: [1, 1], tr: [w - 2, 1], bl: [1, h - 2], br: [w - 2, h - 2] } as const;
    for (const [name, [x, y]] of Object.entries(corners)) {
      expect(isRed(await pixel(out.body, x, y)), `${name} of orientation ${n}`).toBe(
        name === WHERE_RED_SHOWS[n],
      );
    }
  });

  it("crops on the oriented picture", async () => {
    // A 10×10 crop at the displayed top-left is all red exactly when red shows there.
    const { out } = await renderBytes(corpus.get(n)!, { crop: [0, 0, 8, 8], format: "png" });
    expect(isRed(await pixel(out.body, 4, 4))).toBe(WHERE_RED_SHOWS[n] === "tl");
  });

  it("strips the EXIF block from the output", async () => {
    const { out } = await renderBytes(corpus.get(n)!, { width: 20 });
    const meta = await sharp(out.body).metadata();
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
  });
});
