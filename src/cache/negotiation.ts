/** HTTP header rules a cached page is served by: Accept-Encoding (may the gzip bytes go out as is?),
 *  If-None-Match (is a 304 enough?) and the entity tag of a body. */
import { createHash } from "node:crypto";

/** Whether a client accepts gzip per its Accept-Encoding header (RFC 9110 §12.5.3, `q=0` means "not"). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of header.split(",")) {
    const [rawCoding, ...params] = part.split(";");
    const coding = rawCoding?.trim().toLowerCase();
    if (!coding) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split("=");
      if (name?.trim().toLowerCase() === "q") q = parseWeight(value);
    }
    if (coding === "gzip" || coding === "x-gzip") gzip = Math.max(gzip ?? 0, q);
    else if (coding === "*") star = q;
  }
  // An explicit gzip entry wins over the wildcard, whichever order they come in.
  return (gzip ?? star ?? 0) > 0;
}

/** A q-value; anything malformed counts as 0, since sending gzip to a client that cannot read it is worse than not. */
function parseWeight(value: string | undefined): number {
  const text = value?.trim() ?? "";
  if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(text)) return 0;
  return Number(text);
}

/** Whether If-None-Match names this entity tag (weak comparison, lists and `*`), so a 304 may answer. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch || !etag) return false;
  const wanted = opaqueTag(etag);
  const trimmed = ifNoneMatch.trim();
  if (trimmed === "*") return true;
  // Entity tags are quoted and may contain commas, so match tags rather than splitting on ','.
  const tags = trimmed.match(/(?:W\/)?"[^"]*"/g);
  if (tags) return tags.some((tag) => opaqueTag(tag) === wanted);
  // Lenient with clients that send a bare, unquoted tag.
  return trimmed.split(",").some((tag) => opaqueTag(tag.trim()) === wanted);
}

/** The tag without its weakness marker and quotes: If-None-Match uses the weak comparison. */
function opaqueTag(tag: string): string {
  const strong = tag.startsWith("W/") ? tag.slice(2) : tag;
  return strong.length >= 2 && strong.startsWith('"') && strong.endsWith('"') ? strong.slice(1, -1) : strong;
}

/** A strong entity tag for a body: the same bytes give the same tag on every process. */
export function etagFor(body: Buffer | string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}
