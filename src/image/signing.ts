/**
 * Signed rendition URLs (pure): `/_img/<name>?s=<spec>&sig=<hmac>`. The spec (base64url JSON: source path, density,
 * pixel arguments) lets any instance sharing the secret regenerate the rendition from the URL alone.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { QuireError } from "../errors.js";
import { normalizeImageArgs, isArgValue, PIXEL_CHECKS, type ArgMap, type PixelArgs } from "./image-args.js";
import { RENDITION_NAME } from "./naming.js";
import { validateSourcePath } from "./source-path.js";

/** What a rendition URL carries. */
export interface RenditionSpec {
  /** Source path relative to `content/`. */
  path: string;
  /** Output density: 1 for the base rendition, 2 for the high-density one. */
  scale: 1 | 2;
  args: PixelArgs;
}

/** The parts of a rendition request: the name from the path, `s` and `sig` from the query string. */
export interface RenditionUrlParts {
  name: string;
  s?: string | null;
  sig?: string | null;
}

/** The route prefix renditions are served under. */
export const RENDITION_PREFIX = "/_img/";

// A spec is a path plus a handful of numbers; anything longer is refused before any work.
const MAX_SPEC_CHARS = 1536;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const SPEC_TEXT = /^[A-Za-z0-9_-]+$/;

/** The spec as URL-safe text: compact JSON with short keys, base64url. */
export function encodeSpec(spec: RenditionSpec): string {
  return Buffer.from(JSON.stringify({ p: spec.path, x: spec.scale, a: spec.args }), "utf8").toString(
    "base64url",
  );
}

/** HMAC-SHA256 over the name and the encoded spec, so neither can be swapped for another. */
export function signSpec(name: string, encodedSpec: string, secret: string | Buffer): string {
  return createHmac("sha256", secret).update(`${name}\n${encodedSpec}`).digest("base64url");
}

/** The URL of a rendition: path-absolute, or prefixed with `baseUrl` when given. */
export function renditionUrl(
  name: string,
  spec: RenditionSpec,
  secret: string | Buffer,
  baseUrl = "",
): string {
  const s = encodeSpec(spec);
  return `${baseUrl.replace(/\/+$/, "")}${RENDITION_PREFIX}${name}?s=${s}&sig=${signSpec(name, s, secret)}`;
}

/** Verify a request's signature and decode its spec; unsigned, oversized or tampered requests are E_IMAGE_SIGNATURE. */
export function verifyRenditionUrl(parts: RenditionUrlParts, secret: string | Buffer): RenditionSpec {
  const { name, s, sig } = parts;
  if (typeof name !== "string" || !RENDITION_NAME.test(name))
    throw refused("the rendition name is malformed");
  if (typeof s !== "string" || typeof sig !== "string" || s === "" || sig === "")
    throw refused("the URL is not signed");
  if (s.length > MAX_SPEC_CHARS || !SPEC_TEXT.test(s)) throw refused("the spec is malformed or too long");
  if (!SIGNATURE.test(sig)) throw refused("the signature is malformed");
  const expected = Buffer.from(signSpec(name, s, secret), "utf8");
  if (!timingSafeEqual(expected, Buffer.from(sig, "utf8"))) throw refused("the signature does not match");
  return decodeSpec(s);
}

/** Read `s` and `sig` from a query string, URLSearchParams or a parsed query object (first value wins). */
export function queryParts(query: string | URLSearchParams | Record<string, unknown> | undefined): {
  s: string | null;
  sig: string | null;
} {
  if (query === undefined) return { s: null, sig: null };
  if (typeof query === "string" || query instanceof URLSearchParams) {
    const params = typeof query === "string" ? new URLSearchParams(query.replace(/^\?/, "")) : query;
    return { s: params.get("s"), sig: params.get("sig") };
  }
  const first = (v: unknown): string | null =>
    typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : null;
  return { s: first(query.s), sig: first(query.sig) };
}

/** Decode a spec we signed ourselves; a signed but unreadable spec (e.g. from another version) is E_IMAGE_SPEC. */
function decodeSpec(encoded: string): RenditionSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch (cause) {
    throw new QuireError("E_IMAGE_SPEC", "The rendition spec is not readable", { cause });
  }
  if (typeof raw !== "object" || raw === null)
    throw new QuireError("E_IMAGE_SPEC", "The rendition spec is not an object");
  const { p, x, a } = raw as Record<string, unknown>;
  if (x !== 1 && x !== 2)
    throw new QuireError("E_IMAGE_SPEC", "The rendition spec has no density", { field: "x" });
  if (typeof a !== "object" || a === null || Array.isArray(a))
    throw new QuireError("E_IMAGE_SPEC", "The rendition spec has no arguments");
  const args: ArgMap = {};
  for (const [key, value] of Object.entries(a)) {
    if (!isArgValue(value))
      throw new QuireError("E_IMAGE_SPEC", `The rendition spec argument ${key} is not a value`, {
        field: key,
      });
    args[key] = value;
  }
  const pixel = normalizeImageArgs(args, (key) => Object.hasOwn(PIXEL_CHECKS, key)) as PixelArgs;
  return { path: validateSourcePath(p), scale: x, args: pixel };
}

function refused(problem: string): QuireError {
  return new QuireError("E_IMAGE_SIGNATURE", `Rendition request refused: ${problem}`);
}
