/** Test images made with sharp at test time (no binaries in the repository), and a throwaway content folder. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { silentLogger } from "../../src/log.js";
import { RenditionService, type RenditionServiceOptions } from "../../src/image/index.js";
import { MemoryStore } from "./memory-store.js";

export const SECRET = "test-secret-for-image-renditions";

/** A smooth two-axis gradient with some texture: compresses like a photo, identical on every run. */
export async function photo(
  width: number,
  height: number,
  format: "jpeg" | "png" | "webp" | "avif" | "gif" = "jpeg",
): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = Math.round((x * 255) / Math.max(1, width - 1));
      raw[i + 1] = Math.round((y * 255) / Math.max(1, height - 1));
      raw[i + 2] = ((x * 7) ^ (y * 13)) & 0xff;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

/** A blue picture with a red square in its stored top-left corner (for orientation checks). */
export async function cornerImage(width: number, height: number): Promise<Buffer> {
  const square = Math.floor(Math.min(width, height) / 4);
  const red = await sharp({ create: { width: square, height: square, channels: 3, background: "#ff0000" } })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: "#0000ff" } })
    .composite([{ input: red, left: 0, top: 0 }])
    .png()
    .toBuffer();
}

/** A JPEG of `png` carrying EXIF orientation `n` (the pixels stay as stored). */
export async function withOrientation(image: Buffer, n: number): Promise<Buffer> {
  return sharp(image).jpeg({ quality: 95 }).withMetadata({ orientation: n }).toBuffer();
}

/** An animated GIF of solid colour frames. */
export async function animatedGif(
  width: number,
  height: number,
  colours = ["#ff0000", "#00ff00", "#0000ff"],
): Promise<Buffer> {
  const frames = await Promise.all(
    colours.map((c) =>
      sharp({ create: { width, height, channels: 3, background: c } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } })
    .gif({ delay: colours.map(() => 100), loop: 0 })
    .toBuffer();
}

/** A half-transparent PNG. */
export async function transparentPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } } })
    .png()
    .toBuffer();
}

/**
 * A valid PNG bomb: a 1-bit greyscale image of width × height whose all-zero rows deflate to almost nothing
 * (20000×20000 is ~50 KB on disk and 400 megapixels decoded). `pixels` replaces the compressed rows (a header
 * with broken pixel data tells a refusal from the header apart from one made while decoding).
 */
export function bombPng(width: number, height: number, pixels?: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * height);
  const idat = pixels ?? deflateSync(rows, { level: 9 });
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A temporary content folder holding `files`; `remove()` deletes it. */
export function contentFolder(files: Record<string, Buffer | string>): {
  dir: string;
  write(path: string, body: Buffer | string): void;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "quire-images-"));
  const write = (path: string, body: Buffer | string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), body);
  };
  for (const [path, body] of Object.entries(files)) write(path, body);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A service over `contentDir` with an in-memory store. */
export function makeService(
  contentDir: string,
  options: Partial<RenditionServiceOptions> = {},
): { service: RenditionService; store: MemoryStore } {
  const store = (options.store as MemoryStore | undefined) ?? new MemoryStore();
  const service = new RenditionService({
    store,
    contentDir,
    secret: SECRET,
    logger: silentLogger(),
    ...options,
  });
  return { service, store };
}

/** Decode with sharp: real output format, size, frame count. */
export async function decoded(
  bytes: Buffer,
): Promise<{ format: string; width: number; height: number; pages: number }> {
  const m = await sharp(bytes).metadata();
  return { format: m.format, width: m.width, height: m.height, pages: m.pages ?? 1 };
}

/** The RGB of one pixel of an image. */
export async function pixel(bytes: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

/** Every rendition URL in some HTML (src, srcset, href), as path + query. */
export function renditionUrls(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/\/_img\/[^\s"',]+/g)) found.add(m[0].replace(/&amp;/g, "&"));
  return [...found];
}

/** Serve a rendition URL through the service, as the route will. */
export async function serveUrl(service: RenditionService, url: string): Promise<Buffer> {
  const parsed = new URL(url, "http://example.test");
  const name = parsed.pathname.replace(/^\/_img\//, "");
  return (await service.serve(name, parsed.searchParams)).body;
}
