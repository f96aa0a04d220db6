/** Image arguments: Publ's vocabulary of keys, their validation, and the typed `ImageArgs` the rest of the image code reads. */
import { QuireError } from "../errors.js";
import { parseArgList, specError, type ArgValue } from "./arg-list.js";

/** Raw arguments by key, as parsed from `{…}` or passed by a template (values not yet checked). */
export type ArgMap = Record<string, ArgValue>;

/** Output formats Quire will encode; anything else is refused (E_IMAGE_FORMAT). */
export const OUTPUT_FORMATS = ["jpeg", "png", "webp", "avif", "gif"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Resampling kernels by the names Publ (Pillow) and sharp use. */
const KERNELS: Record<string, string> = {
  nearest: "nearest",
  box: "linear",
  bilinear: "linear",
  linear: "linear",
  hamming: "cubic",
  bicubic: "cubic",
  cubic: "cubic",
  mitchell: "mitchell",
  lanczos: "lanczos3",
  lanczos2: "lanczos2",
  lanczos3: "lanczos3",
};

type Check<T> = (value: ArgValue, key: string) => T | undefined;

const posNumber: Check<number> = (v, k) => {
  if (v === null) return undefined;
  if (typeof v !== "number" || !(v > 0) || v > 100_000) throw bad(k, v, "a positive number up to 100000");
  return v;
};
const count: Check<number> = (v, k) => {
  if (v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 10_000) throw bad(k, v, "a whole number");
  return v;
};
const fraction: Check<number> = (v, k) => {
  if (v === null) return undefined;
  if (typeof v !== "number" || v < 0 || v > 1) throw bad(k, v, "a number from 0 to 1");
  return v;
};
const range =
  (lo: number, hi: number): Check<number> =>
  (v, k) => {
    if (v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
      throw bad(k, v, `a whole number from ${lo} to ${hi}`);
    return v;
  };
const text: Check<string> = (v, k) => {
  if (v === null) return undefined;
  if (typeof v === "string" || typeof v === "number") return String(v);
  throw bad(k, v, "a string");
};
const flag: Check<boolean> = (v, k) => {
  if (v === null) return undefined;
  if (typeof v !== "boolean") throw bad(k, v, "True or False");
  return v;
};
const textOrFlag: Check<string | boolean> = (v, k) => (typeof v === "boolean" ? v : text(v, k));
const styles: Check<string> = (v, k) => {
  if (Array.isArray(v))
    return (
      v
        .map((item) => text(item, k))
        .filter(Boolean)
        .join(";") || undefined
    );
  return text(v, k);
};
const resize: Check<"fit" | "fill" | "stretch"> = (v, k) => {
  if (v === null) return undefined;
  if (v === "fit" || v === "fill" || v === "stretch") return v;
  throw bad(k, v, '"fit", "fill" or "stretch"');
};
const loading: Check<"lazy" | "eager" | false> = (v, k) => {
  if (v === null) return undefined;
  if (v === "lazy" || v === "eager" || v === false) return v;
  throw bad(k, v, '"lazy", "eager" or False');
};
const format: Check<OutputFormat> = (v, k) => {
  if (v === null) return undefined;
  const name = typeof v === "string" ? v.toLowerCase().replace(/^\./, "") : v;
  const canonical = name === "jpg" ? "jpeg" : name;
  if ((OUTPUT_FORMATS as readonly unknown[]).includes(canonical)) return canonical as OutputFormat;
  throw new QuireError(
    "E_IMAGE_FORMAT",
    `Image argument ${k}=${show(v)}: the format must be one of jpeg, png, webp, avif, gif`,
    { field: k },
  );
};
const kernel: Check<string> = (v, k) => {
  if (v === null) return undefined;
  const name = typeof v === "string" ? v.toLowerCase() : "";
  if (Object.hasOwn(KERNELS, name)) return KERNELS[name];
  throw bad(k, v, `one of ${Object.keys(KERNELS).join(", ")}`);
};
const box: Check<[number, number, number, number]> = (v, k) => {
  if (v === null) return undefined;
  const parts = typeof v === "string" ? v.split(",").map((p) => (p.trim() === "" ? NaN : Number(p))) : v;
  if (!Array.isArray(parts) || parts.length !== 4) throw bad(k, v, "(x, y, width, height)");
  const [x, y, w, h] = parts as number[];
  const ok = parts.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 1_000_000);
  if (!ok || !(w! > 0) || !(h! > 0)) throw bad(k, v, "(x, y, width, height) in whole pixels");
  return [x!, y!, w!, h!];
};
const colour: Check<string> = (v, k) => {
  if (v === null) return undefined;
  if (Array.isArray(v) && (v.length === 3 || v.length === 4)) {
    const ok = v.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 255);
    if (ok) return `#${(v as number[]).map((n) => n.toString(16).padStart(2, "0")).join("")}`;
  }
  if (typeof v === "string") {
    const c = v.trim().toLowerCase();
    if (/^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.test(c) || /^[a-z]{3,30}$/.test(c)) return c;
    if (/^(?:rgba?|hsla?)\([0-9.,%\s]{1,60}\)$/.test(c)) return c.replace(/\s+/g, "");
  }
  throw bad(k, v, 'a colour such as "white", "#ff7733" or (0,127,35)');
};
const galleryId: Check<string> = (v, k) => (v === false ? undefined : text(v, k));
const shape: Check<string | true> = (v, k) => (v === true ? true : v === false ? undefined : text(v, k));

/** Arguments that change a rendition's pixels: they go into its signed URL and its name. */
export const PIXEL_CHECKS = {
  width: posNumber,
  height: posNumber,
  max_width: posNumber,
  max_height: posNumber,
  scale: posNumber,
  scale_min_width: posNumber,
  scale_min_height: posNumber,
  resize,
  crop: box,
  fill_crop_x: fraction,
  fill_crop_y: fraction,
  format,
  quality: range(1, 100),
  lossless: flag,
  background: colour,
  quantize: range(2, 256),
  scale_filter: kernel,
};

/** Every argument Publ's image syntax knows, with its check. */
const CHECKS = {
  ...PIXEL_CHECKS,
  quality_ldpi: range(1, 100),
  quality_hdpi: range(1, 100),
  fullsize_width: posNumber,
  fullsize_height: posNumber,
  fullsize_crop: box,
  fullsize_quality: range(1, 100),
  fullsize_format: format,
  fullsize_background: colour,
  link: textOrFlag,
  link_class: text,
  gallery_id: galleryId,
  figure: textOrFlag,
  caption: text,
  div_class: text,
  div_style: styles,
  img_class: text,
  class: text,
  img_style: styles,
  style: styles,
  img_id: text,
  id: text,
  count: count,
  count_offset: count,
  more_text: text,
  more_link: text,
  more_class: text,
  image_loading: loading,
  absolute: flag,
  alt: text,
  alt_text: text,
  title: text,
  shape,
  xhtml: flag,
};

export type ArgKey = keyof typeof CHECKS;
export type PixelKey = keyof typeof PIXEL_CHECKS;

/** Arguments after validation, by Publ's own (author-facing) names so no translation table is needed. */
export type ImageArgs = { [K in ArgKey]?: Exclude<ReturnType<(typeof CHECKS)[K]>, undefined> };
/** The subset of ImageArgs that affects pixels. */
export type PixelArgs = { [K in PixelKey]?: ImageArgs[K] };

/** True for a key Publ's image syntax knows. */
export function isArgKey(key: string): key is ArgKey {
  return Object.hasOwn(CHECKS, key);
}

/**
 * Parse `{…}` text: up to two positional numbers are width and height. Keys Quire does not know are left
 * out, as Publ ignores them (`quire check` warns of them, see `unknownImageArgs`).
 */
export function parseImageArgs(source: string): ArgMap {
  const list = parseArgList(source);
  if (list.positional.length > 2)
    throw specError(source, `at most 2 positional values (width, height), got ${list.positional.length}`);
  const args: ArgMap = { ...list.keywords };
  (["width", "height"] as const).forEach((key, i) => {
    if (i >= list.positional.length) return;
    if (key in args) throw specError(source, `${key} is given twice`, key);
    args[key] = list.positional[i] as ArgValue;
  });
  for (const key of Object.keys(args)) {
    if (!isArgKey(key)) delete args[key];
  }
  return args;
}

/** The keys of `{…}` text that Quire does not know (and ignores); none when the text does not parse. */
export function unknownArgKeys(source: string): string[] {
  try {
    return Object.keys(parseArgList(source).keywords).filter((key) => !isArgKey(key));
  } catch {
    return [];
  }
}

/** Validate raw arguments into ImageArgs; the first bad value is a QuireError naming its key. */
export function normalizeImageArgs(raw: ArgMap, allowed: (key: string) => boolean = isArgKey): ImageArgs {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!allowed(key) || !isArgKey(key)) throw unknownKey(key);
    const checked = (CHECKS[key] as Check<unknown>)(value, key);
    if (checked !== undefined) out[key] = checked;
  }
  return out as ImageArgs;
}

/** Template-wide defaults (site config, `entry.body(...)` keywords) reduced to the image keys, other keys ignored. */
export function pickImageArgs(values: Record<string, unknown> | undefined): ArgMap {
  const out: ArgMap = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (isArgKey(key) && isArgValue(value)) out[key] = value;
  }
  return out;
}

/** True for a value an argument can hold (what the parser could have produced). */
export function isArgValue(value: unknown, depth = 0): value is ArgValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  return Array.isArray(value) && depth < 4 && value.every((v) => isArgValue(v, depth + 1));
}

function unknownKey(key: string): QuireError {
  // Two typos are plausible in a long name; in a short one they would match almost anything.
  const near = Object.keys(CHECKS).find((k) => editDistance(k, key) <= (key.length > 4 ? 2 : 1));
  const hint = near ? ` (did you mean ${near}?)` : "";
  return new QuireError("E_IMAGE_SPEC", `Unknown image argument "${key.slice(0, 40)}"${hint}`, {
    field: key.slice(0, 40),
  });
}

function bad(key: string, value: ArgValue, expected: string): QuireError {
  return new QuireError("E_IMAGE_SPEC", `Image argument ${key}=${show(value)} should be ${expected}`, {
    field: key,
  });
}

function show(value: ArgValue): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
