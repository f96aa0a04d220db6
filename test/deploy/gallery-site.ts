/** A fixture site with one gallery of generated JPEGs, and the checks every deploy test makes on its images. */
import sharp from "sharp";
import { makeSite } from "../helpers/site-fixture.js";

/** The gallery entry's path: no Entry-ID in the file, so its ID and permalink come from the path. */
export const GALLERY_FILE = "content/photos/gallery.md";

/** Source sizes: landscape, portrait and square, all larger than twice the 320-pixel display width. */
const SOURCES: Record<string, [number, number]> = {
  "dusk.jpg": [1200, 800],
  "tower.jpg": [800, 1200],
  "tile.jpg": [1000, 1000],
};

/** A site whose only entry shows the three JPEGs as one gallery, at 320 pixels wide. */
export async function makeGallerySite(): Promise<string> {
  const files: Record<string, string | Buffer> = {
    // A generous memcached deadline: these tests are about what the dynos share, and on a loaded machine a read
    // slower than the default 250 ms would be a miss.
    "quire.toml": '[site]\ntitle = "Deploy test"\ntimezone = "UTC"\n[cache]\nmemcached_timeout_ms = 5000\n',
    [GALLERY_FILE]: [
      "Title: Three pictures",
      "Date: 2025-01-10 09:00:00+00:00",
      "",
      "A landscape, a portrait and a square, as one gallery:",
      "",
      "![Deploy gallery{320}](dusk.jpg | tower.jpg | tile.jpg)",
      "",
    ].join("\n"),
    "content/blog/hello.md": "Title: Hello\nDate: 2025-01-09 08:00:00+00:00\n\nA first entry.\n",
    "content/blog/later.md": "Title: Later\nDate: 2025-01-11 08:00:00+00:00\n\nA second entry.\n",
  };
  for (const [name, [width, height]] of Object.entries(SOURCES)) {
    files[`content/photos/${name}`] = await gradient(width, height);
  }
  return makeSite(files, "quire-deploy-");
}

/** A smooth gradient with some texture: compresses like a photo, identical on every run. */
async function gradient(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = Math.round((x * 255) / (width - 1));
      raw[i + 1] = Math.round((y * 255) / (height - 1));
      raw[i + 2] = ((x * 7) ^ (y * 13)) & 0xff;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** One image URL on a page and the pixel size it must have. */
export interface ExpectedImage {
  url: string;
  width: number;
  height: number;
}

/**
 * Every image URL of every `<img>` on a page: `src` at the `width`/`height` attributes, and each `srcset`
 * candidate at its density times those (the 2x rendition of a 213-pixel height may round either way).
 */
export function pageImages(html: string): ExpectedImage[] {
  const out: ExpectedImage[] = [];
  for (const tag of html.match(/<img\b[^>]*>/g) ?? []) {
    const attrs = new Map<string, string>();
    for (const m of tag.matchAll(/([a-zA-Z-]+)="([^"]*)"/g))
      attrs.set(m[1]!.toLowerCase(), decodeHtml(m[2]!));
    const width = Number(attrs.get("width"));
    const height = Number(attrs.get("height"));
    const src = attrs.get("src");
    if (!src || !(width > 0) || !(height > 0))
      throw new Error(`an <img> without src, width or height: ${tag}`);
    out.push({ url: src, width, height });
    for (const candidate of (attrs.get("srcset") ?? "").split(",")) {
      const [url, descriptor] = candidate.trim().split(/\s+/);
      if (!url) continue;
      const density = descriptor ? Number(descriptor.replace(/x$/, "")) : 1;
      out.push({ url, width: Math.round(width * density), height: Math.round(height * density) });
    }
  }
  return out;
}

/** The same list without repeated URLs. */
export function distinctImages(images: ExpectedImage[]): ExpectedImage[] {
  const seen = new Map<string, ExpectedImage>();
  for (const image of images) if (!seen.has(image.url)) seen.set(image.url, image);
  return [...seen.values()];
}

function decodeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** What fetching one image URL gave: its status, and the decoded size when it is an image. */
export interface FetchedImage {
  url: string;
  status: number;
  /** The status of the first answer, before following a redirect (302 to a public bucket URL). */
  firstStatus: number;
  location: string | null;
  width: number | null;
  height: number | null;
  bytes: Buffer;
}

/** Fetches an image URL of a page (following one redirect, as a browser would) and decodes it with sharp. */
export async function fetchImage(base: string, url: string): Promise<FetchedImage> {
  const absolute = new URL(url, base).href;
  const first = await fetch(absolute, { redirect: "manual", signal: AbortSignal.timeout(30_000) });
  let res = first;
  const location = first.headers.get("location");
  if (first.status >= 300 && first.status < 400 && location) {
    await first.arrayBuffer();
    res = await fetch(new URL(location, absolute), { signal: AbortSignal.timeout(30_000) });
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  let width: number | null = null;
  let height: number | null = null;
  if (res.status === 200) {
    const meta = await sharp(bytes).metadata();
    width = meta.width ?? null;
    height = meta.height ?? null;
  }
  return { url, status: res.status, firstStatus: first.status, location, width, height, bytes };
}

/** Fetches every image and lists those that are not a 200 of the expected size (±1 pixel for 2x rounding). */
export async function badImages(base: string, images: ExpectedImage[]): Promise<string[]> {
  const bad: string[] = [];
  for (const image of images) {
    const got = await fetchImage(base, image.url);
    const sizeOk =
      got.width !== null &&
      got.height !== null &&
      Math.abs(got.width - image.width) <= 1 &&
      Math.abs(got.height - image.height) <= 1;
    if (got.status !== 200 || !sizeOk) {
      bad.push(
        `${image.url}: status ${got.status}, ${got.width}x${got.height} (expected ${image.width}x${image.height})`,
      );
    }
  }
  return bad;
}

/** The rendition name in an image URL: `/_img/<name>?…` → `<name>`. */
export function renditionNameOf(url: string): string {
  const path = new URL(url, "http://x").pathname;
  return decodeURIComponent(path.slice("/_img/".length));
}
