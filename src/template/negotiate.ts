/** Content negotiation of templates, as Publ does it: `feed` is `feed.xml` or `feed.html` depending on the
 *  request's `Accept` header, in the order the header prefers, with Publ's order for clients that take anything. */

/**
 * Publ's order for a client that sends no `Accept` or only `*\/*` (curl, most crawlers): HTML first, then
 * feeds, XML, JSON, plain text, then anything. (Publ's list names `style/css`, which no template has, so a
 * CSS template is reached through `*\/*` there as here.)
 */
export const DEFAULT_ACCEPT: readonly string[] = Object.freeze([
  "text/html",
  "application/rss+xml",
  "application/atom+xml",
  "application/xml",
  "application/json",
  "text/plain",
  "*/*",
]);

/** At most this many media ranges are read from one header: a longer list changes no real client's choice. */
const MAX_RANGES = 32;

/**
 * The media ranges a request accepts, best first: by `q` (ranges with `q=0` are refused, so left out), then
 * more specific before less (`text/html` before `text/*` before `*\/*`), then in the header's order. No header,
 * an empty one or only `*\/*` gives DEFAULT_ACCEPT.
 */
export function acceptList(header: string | undefined): readonly string[] {
  if (!header) return DEFAULT_ACCEPT;
  const ranges: { range: string; q: number; specificity: number; at: number }[] = [];
  for (const part of header.split(",").slice(0, MAX_RANGES)) {
    const [rawRange, ...params] = part.split(";");
    const range = rawRange?.trim().toLowerCase() ?? "";
    if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$|^\*\/\*$/.test(range)) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split("=");
      if (name?.trim().toLowerCase() === "q") q = Number(value?.trim());
    }
    if (!(q > 0) || q > 1) continue;
    const specificity = range === "*/*" ? 0 : range.endsWith("/*") ? 1 : 2;
    if (!ranges.some((r) => r.range === range)) ranges.push({ range, q, specificity, at: ranges.length });
  }
  ranges.sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.at - b.at);
  const list = ranges.map((r) => r.range);
  return list.length === 0 || (list.length === 1 && list[0] === "*/*") ? DEFAULT_ACCEPT : list;
}

/** The part of the page cache key that says which variant a request gets: "" for Publ's default order. */
export function acceptKey(header: string | undefined): string {
  if (!header || header === "*/*") return "";
  // Clients send the same few headers over and over, and this runs on every cache hit.
  let key = KEYS.get(header);
  if (key === undefined) {
    const list = acceptList(header);
    key = list === DEFAULT_ACCEPT ? "" : list.join(",");
    if (KEYS.size >= MAX_KEYS) KEYS.clear();
    KEYS.set(header, key);
  }
  return key;
}

const KEYS = new Map<string, string>();
const MAX_KEYS = 512;

/** Whether a template's MIME type (without parameters) falls in a media range. */
export function inRange(mime: string, range: string): boolean {
  if (range === "*/*") return true;
  if (range.endsWith("/*")) return mime.startsWith(range.slice(0, -1));
  return mime === range;
}

/**
 * Picks a template among one folder's files for a name, as Publ's `map_template` does: a file named exactly as
 * asked (`test.html`) if the request accepts its type, else the first range of `accept` that one of the
 * variants (`feed.xml`, `feed.html`, …, given in the folder's order of preference) satisfies. `mimeOf` gives a
 * file's bare type, or null when Quire cannot name it (such a file is reached only by its exact name).
 */
export function pickVariant(
  exact: string | null,
  variants: readonly string[],
  accept: readonly string[],
  mimeOf: (file: string) => string | null,
): { file: string; mime: string | null } | "refused" | null {
  const anything = accept.includes("*/*");
  if (exact !== null) {
    const mime = mimeOf(exact);
    if (anything || (mime !== null && accept.some((r) => inRange(mime, r)))) return { file: exact, mime };
  }
  for (const range of accept) {
    for (const file of variants) {
      const mime = mimeOf(file);
      if (mime !== null && inRange(mime, range)) return { file, mime };
    }
  }
  return exact !== null || variants.length > 0 ? "refused" : null;
}
