/** A handful of small JPEGs for generated sites, made once per process with sharp from seeded pixels. */
import sharp from "sharp";
import { Prng } from "./prng.js";

/** How many distinct images generated entries choose from. */
export const IMAGE_COUNT = 5;

// 1280 wide, so a 640-wide rendition and its 2x both fit without upscaling.
const WIDTH = 1280;
const HEIGHT = 860;

let made: Promise<Buffer[]> | undefined;

/** IMAGE_COUNT JPEGs: gradients with seeded grain (so they compress like photos), the same bytes on every run. */
export function benchImages(): Promise<Buffer[]> {
  made ??= Promise.all(
    Array.from({ length: IMAGE_COUNT }, (_, k) =>
      sharp(pixels(k), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
        .jpeg({ quality: 80 })
        .toBuffer(),
    ),
  );
  return made;
}

function pixels(k: number): Buffer {
  const rng = new Prng(1000 + k);
  const buf = Buffer.alloc(WIDTH * HEIGHT * 3);
  let o = 0;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const grain = rng.int(-24, 24);
      buf[o++] = clamp(((x * 255) / WIDTH + k * 50 + grain) % 256);
      buf[o++] = clamp((y * 255) / HEIGHT + grain);
      buf[o++] = clamp(255 - ((x + y) * 255) / (WIDTH + HEIGHT) + grain);
    }
  }
  return buf;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
