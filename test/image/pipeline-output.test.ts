/** Real renditions, decoded again: the planned size is the size sharp actually wrote, for every resize mode. */
import { beforeAll, describe, expect, it } from "vitest";
import type { ArgMap } from "../../src/image/image-args.js";
import { photo, pixel } from "./images.js";
import { renderBytes } from "./render-helpers.js";

let landscape: Buffer;
let small: Buffer;

beforeAll(async () => {
  landscape = await photo(1200, 900);
  small = await photo(300, 200, "png");
});

describe("generated sizes match the plan", () => {
  const cases: Array<[string, () => Buffer, ArgMap, 1 | 2, [number, number]]> = [
    ["fit width", () => landscape, { width: 320 }, 1, [320, 240]],
    ["fit width 2x", () => landscape, { width: 320 }, 2, [640, 480]],
    ["fit box", () => landscape, { width: 500, height: 500 }, 1, [500, 375]],
    ["max_height", () => landscape, { max_height: 90 }, 1, [120, 90]],
    ["max_width under width", () => landscape, { width: 800, max_width: 400 }, 1, [400, 300]],
    ["scale", () => landscape, { scale: 3 }, 1, [400, 300]],
    ["fill square", () => landscape, { width: 200, height: 200, resize: "fill" }, 1, [200, 200]],
    ["fill square 2x", () => landscape, { width: 200, height: 200, resize: "fill" }, 2, [400, 400]],
    ["stretch", () => landscape, { width: 300, height: 100, resize: "stretch" }, 1, [300, 100]],
    ["crop", () => landscape, { crop: [100, 100, 400, 200] }, 1, [400, 200]],
    ["crop then fit", () => landscape, { crop: [100, 100, 400, 200], width: 100 }, 1, [100, 50]],
    ["never upscale", () => small, { width: 1000 }, 1, [300, 200]],
    ["never upscale 2x", () => small, { width: 200 }, 2, [300, 200]],
  ];

  it.each(cases)("%s", async (_label, source, args, scale, [width, height]) => {
    const { meta, out } = await renderBytes(source(), args, scale);
    expect([meta.width, meta.height]).toEqual([width, height]);
    expect([out.width, out.height]).toEqual([width, height]);
  });
});

describe("what the pixels show", () => {
  it("fill_crop_x=0 keeps the left edge, =1 the right (the gradient's red channel runs left to right)", async () => {
    const left = await renderBytes(landscape, {
      width: 100,
      height: 100,
      resize: "fill",
      fill_crop_x: 0,
      format: "png",
    });
    const right = await renderBytes(landscape, {
      width: 100,
      height: 100,
      resize: "fill",
      fill_crop_x: 1,
      format: "png",
    });
    expect((await pixel(left.out.body, 0, 50))[0]).toBeLessThan(10);
    expect((await pixel(right.out.body, 99, 50))[0]).toBeGreaterThan(245);
  });

  it("crop takes the asked region of the source", async () => {
    // x = 600 of 1200 has red ≈ 128; y = 0 has green 0.
    const { out } = await renderBytes(landscape, { crop: [600, 0, 10, 10], format: "png" });
    const [r, g] = await pixel(out.body, 0, 0);
    expect(Math.abs(r - 128)).toBeLessThan(4);
    expect(g).toBeLessThan(4);
  });

  it("a format-only rendition keeps every pixel of a PNG", async () => {
    const { out } = await renderBytes(small, { format: "png" });
    expect(await pixel(out.body, 123, 45)).toEqual(await pixel(small, 123, 45));
  });
});
