/**
 * Synchronous header probe (pure): format, oriented size and frame count from the first bytes of JPEG, PNG, GIF, WebP,
 * AVIF and SVG files, for callers that cannot wait (Markdown and template rendering are synchronous).
 */
import type { SourceFormat } from "./recipe.js";

/** What the header says; width/height are after EXIF orientation. */
export interface HeaderInfo {
  format: SourceFormat;
  width: number;
  height: number;
  pages: number;
}

/** Probe a file's bytes; null when the format is not one Quire decodes or the header is damaged. */
export function probeHeader(bytes: Uint8Array): HeaderInfo | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpeg(b);
    if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47) return png(b);
    if (b.length >= 10 && b.toString("latin1", 0, 4) === "GIF8") return gif(b);
    if (b.length >= 30 && b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP")
      return webp(b);
    if (b.length >= 16 && b.toString("latin1", 4, 8) === "ftyp") return avif(b);
    if (looksLikeSvg(b)) return { format: "svg", ...svgSize(b.toString("utf8", 0, 4096)), pages: 1 };
  } catch {
    // A header that runs off the end of the buffer is damaged; the caller reports it as undecodable.
  }
  return null;
}

/** True for text that starts like an SVG document (after an optional BOM, XML declaration, comments, doctype). */
export function looksLikeSvg(b: Buffer): boolean {
  const head = b.toString("utf8", 0, Math.min(b.length, 4096)).replace(/^\uFEFF/, "");
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(head);
}

/** The SVG's declared size from width/height, else its viewBox; 0 when unknown (rendered without size attributes). */
export function svgSize(head: string): { width: number; height: number } {
  const tag = /<svg\b[^>]*>/i.exec(head)?.[0] ?? "";
  const attr = (name: string): number => {
    const m = new RegExp(`\\s${name}\\s*=\\s*["']\\s*([0-9.]+)(?:px)?\\s*["']`, "i").exec(tag);
    return m ? Math.round(Number(m[1])) : 0;
  };
  let width = attr("width");
  let height = attr("height");
  const viewBox = /\sviewBox\s*=\s*["']([^"']*)["']/i
    .exec(tag)?.[1]
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  if ((!width || !height) && viewBox?.length === 4 && viewBox[2]! > 0 && viewBox[3]! > 0) {
    const [vw, vh] = [viewBox[2]!, viewBox[3]!];
    if (!width && !height) [width, height] = [Math.round(vw), Math.round(vh)];
    else if (!height) height = Math.round((width * vh) / vw);
    else width = Math.round((height * vw) / vh);
  }
  return { width: width || 0, height: height || 0 };
}

function oriented(
  format: SourceFormat,
  width: number,
  height: number,
  orientation: number,
  pages = 1,
): HeaderInfo | null {
  if (!(width > 0 && height > 0)) return null;
  // EXIF orientations 5–8 turn the picture a quarter, so the displayed width is the stored height.
  return orientation >= 5 && orientation <= 8
    ? { format, width: height, height: width, pages }
    : { format, width, height, pages };
}

function jpeg(b: Buffer): HeaderInfo | null {
  let pos = 2;
  let orientation = 1;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) return null;
    const marker = b[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    const length = b.readUInt16BE(pos + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (marker === 0xe1 && b.toString("latin1", pos + 4, pos + 10) === "Exif\0\0") {
      orientation = exifOrientation(b.subarray(pos + 10, pos + 2 + length));
    } else if (isFrame) {
      return oriented("jpeg", b.readUInt16BE(pos + 7), b.readUInt16BE(pos + 5), orientation);
    } else if (marker === 0xda || marker === 0xd9) {
      return null;
    }
    pos += 2 + length;
  }
  return null;
}

/** The Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block; 1 when absent or unreadable. */
function exifOrientation(tiff: Buffer): number {
  if (tiff.length < 8) return 1;
  const le = tiff.toString("latin1", 0, 2) === "II";
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > tiff.length) break;
    if (u16(at) === 0x0112) {
      const value = u16(at + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function png(b: Buffer): HeaderInfo | null {
  if (b.toString("latin1", 12, 16) !== "IHDR") return null;
  let orientation = 1;
  // libvips reads an eXIf chunk's orientation too; it must come before the image data.
  for (let pos = 8; pos + 8 <= b.length;) {
    const length = b.readUInt32BE(pos);
    const type = b.toString("latin1", pos + 4, pos + 8);
    if (type === "eXIf") orientation = exifOrientation(b.subarray(pos + 8, pos + 8 + length));
    if (type === "IDAT" || type === "IEND") break;
    pos += 12 + length;
  }
  return oriented("png", b.readUInt32BE(16), b.readUInt32BE(20), orientation);
}

function gif(b: Buffer): HeaderInfo | null {
  const width = b.readUInt16LE(6);
  const height = b.readUInt16LE(8);
  let pos = 13;
  if (b[10]! & 0x80) pos += 3 * (1 << ((b[10]! & 0x07) + 1));
  let frames = 0;
  while (pos < b.length) {
    const block = b[pos]!;
    if (block === 0x3b) break;
    if (block === 0x21) {
      pos = skipSubBlocks(b, pos + 2);
    } else if (block === 0x2c) {
      frames++;
      const packed = b[pos + 9]!;
      pos += 10;
      if (packed & 0x80) pos += 3 * (1 << ((packed & 0x07) + 1));
      pos = skipSubBlocks(b, pos + 1);
    } else {
      break;
    }
  }
  return oriented("gif", width, height, 1, Math.max(1, frames));
}

function skipSubBlocks(b: Buffer, pos: number): number {
  while (pos < b.length && b[pos] !== 0) pos += b[pos]! + 1;
  return pos + 1;
}

function webp(b: Buffer): HeaderInfo | null {
  let width = 0;
  let height = 0;
  let orientation = 1;
  let frames = 0;
  for (let pos = 12; pos + 8 <= b.length;) {
    const type = b.toString("latin1", pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    const data = pos + 8;
    if (type === "VP8X") {
      width = 1 + b.readUIntLE(data + 4, 3);
      height = 1 + b.readUIntLE(data + 7, 3);
    } else if (type === "VP8 " && !width) {
      width = b.readUInt16LE(data + 6) & 0x3fff;
      height = b.readUInt16LE(data + 8) & 0x3fff;
    } else if (type === "VP8L" && !width) {
      const bits = b.readUInt32LE(data + 1);
      width = (bits & 0x3fff) + 1;
      height = ((bits >> 14) & 0x3fff) + 1;
    } else if (type === "ANMF") {
      frames++;
    } else if (type === "EXIF") {
      const exif = b.subarray(data, data + size);
      orientation = exifOrientation(exif.toString("latin1", 0, 6) === "Exif\0\0" ? exif.subarray(6) : exif);
    }
    pos = data + size + (size & 1);
  }
  return oriented("webp", width, height, orientation, Math.max(1, frames));
}

function avif(b: Buffer): HeaderInfo | null {
  const brands = b.toString("latin1", 8, Math.min(b.length, 8 + b.readUInt32BE(0)));
  if (!/avi[fs]/.test(brands)) return null;
  let best = { width: 0, height: 0 };
  let quarterTurn = false;
  const walk = (start: number, end: number, depth: number): void => {
    for (let pos = start; pos + 8 <= end && depth < 6;) {
      const size = b.readUInt32BE(pos);
      const type = b.toString("latin1", pos + 4, pos + 8);
      const stop = size === 0 ? end : pos + size;
      if (size !== 0 && size < 8) return;
      if (type === "meta") walk(pos + 12, stop, depth + 1);
      else if (type === "iprp" || type === "ipco") walk(pos + 8, stop, depth + 1);
      else if (type === "ispe") {
        // Several items may carry a size (tiles, thumbnails); the largest is the picture itself.
        const width = b.readUInt32BE(pos + 12);
        const height = b.readUInt32BE(pos + 16);
        if (width * height > best.width * best.height) best = { width, height };
      } else if (type === "irot") quarterTurn = (b[pos + 8]! & 1) === 1;
      pos = stop;
    }
  };
  walk(0, b.length, 0);
  return oriented("avif", best.width, best.height, quarterTurn ? 6 : 1);
}
