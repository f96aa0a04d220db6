/**
 * `/favicon.ico` and `/apple-touch-icon.png`, which browsers and phones ask for whatever the page links: the
 * site's own file from `static/` when it has one, else the default theme's icon (the one its pages link as an
 * SVG), drawn once in memory. Asked only where no route answers, so a site's template or alias still wins.
 */
import { loadSharp } from "../image/decoders.js";
import { staticFile } from "./site-files.js";
import type { SiteRoots } from "../content/site-roots.js";

/** The icon paths answered, with the size of the built-in icon and its type. */
const ICONS: Record<string, { size: number; type: string }> = {
  "/favicon.ico": { size: 32, type: "image/x-icon" },
  "/apple-touch-icon.png": { size: 180, type: "image/png" },
  "/apple-touch-icon-precomposed.png": { size: 180, type: "image/png" },
};

/** True for a path a browser asks for an icon at. */
export function isIconPath(path: string): boolean {
  return Object.hasOwn(ICONS, path);
}

/** The icon to send for `path`: the site's `static/` file, or the built-in icon's bytes; null for other paths. */
export async function siteIcon(
  roots: SiteRoots,
  path: string,
): Promise<{ file: string } | { body: Buffer; type: string } | null> {
  const icon = ICONS[path];
  if (!icon) return null;
  const own = staticFile(roots, path.slice(1));
  if (own) return { file: own };
  return { body: await builtinIcon(path, icon.size), type: icon.type };
}

const drawn = new Map<string, Promise<Buffer>>();

function builtinIcon(path: string, size: number): Promise<Buffer> {
  let icon = drawn.get(path);
  if (!icon) {
    // iOS rounds the corners of a touch icon itself and fills transparent ones with black: that one is square.
    const rounded = path.endsWith(".ico");
    const png = loadSharp()(drawIcon(size, rounded ? 7 : 0), {
      raw: { width: size, height: size, channels: 4 },
    })
      .png()
      .toBuffer();
    icon = rounded ? png.then(icoOf(size)) : png;
    drawn.set(path, icon);
  }
  return icon;
}

// The theme's icon on a 32-unit grid: a rounded square in the accent colour with four lines of "text".
const ACCENT = [0xa4, 0x40, 0x2a];
const LINES = [
  { y: 9, x1: 9, x2: 23 },
  { y: 14, x1: 9, x2: 23 },
  { y: 19, x1: 9, x2: 23 },
  { y: 24, x1: 9, x2: 18 },
];

/** RGBA pixels of the icon at `size`, 4×4 samples per pixel for smooth edges. */
function drawIcon(size: number, radius: number): Buffer {
  const out = Buffer.alloc(size * size * 4);
  const unit = 32 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let inside = 0;
      let ink = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const x = (px + (sx + 0.5) / 4) * unit;
          const y = (py + (sy + 0.5) / 4) * unit;
          if (!inRoundedSquare(x, y, radius)) continue;
          inside++;
          if (LINES.some((l) => nearSegment(x, y, l.x1, l.x2, l.y, 1.2))) ink++;
        }
      }
      const o = (py * size + px) * 4;
      const white = inside ? ink / inside : 0;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(ACCENT[c]! * (1 - white) + 255 * white);
      out[o + 3] = Math.round((inside / 16) * 255);
    }
  }
  return out;
}

function inRoundedSquare(x: number, y: number, r: number): boolean {
  const dx = Math.max(r - x, 0, x - (32 - r));
  const dy = Math.max(r - y, 0, y - (32 - r));
  return dx * dx + dy * dy <= r * r;
}

/** Within `half` of the horizontal segment from (x1, y) to (x2, y): a stroke with round caps. */
function nearSegment(x: number, y: number, x1: number, x2: number, ly: number, half: number): boolean {
  const dx = Math.max(x1 - x, 0, x - x2);
  const dy = y - ly;
  return dx * dx + dy * dy <= half * half;
}

/** An ICO file holding one PNG image (the form every browser since 2007 reads). */
function icoOf(size: number): (png: Buffer) => Buffer {
  return (png) => {
    const header = Buffer.alloc(22);
    header.writeUInt16LE(0, 0); // reserved
    header.writeUInt16LE(1, 2); // type: icon
    header.writeUInt16LE(1, 4); // one image
    header.writeUInt8(size % 256, 6); // width (0 means 256)
    header.writeUInt8(size % 256, 7); // height
    header.writeUInt8(0, 8); // no palette
    header.writeUInt8(0, 9); // reserved
    header.writeUInt16LE(1, 10); // colour planes
    header.writeUInt16LE(32, 12); // bits per pixel
    header.writeUInt32LE(png.length, 14); // image size
    header.writeUInt32LE(22, 18); // image offset
    return Buffer.concat([header, png]);
  };
}
