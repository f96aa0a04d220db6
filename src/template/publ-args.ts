/** The keyword arguments Publ's entry text calls take (`entry.body(…)`, `entry.card(…)`, `entry.toc(…)`), by Publ's
 *  names: its HTML processing arguments and every image rendition argument. */
import { isArgKey } from "../image/index.js";

/** Publ's HTML processing arguments and the text options of `body`, `more`, `footnotes`, `summary` and `toc`. */
const HTML_ARGS = new Set([
  "markup",
  "absolute",
  "xhtml",
  "smartquotes",
  "no_smartquotes",
  "markdown_extensions",
  "always_show",
  "footnotes_link",
  "footnotes_class",
  "footnotes_return",
  "toc_link",
  "heading_link_class",
  "heading_link_config",
  "heading_template",
  "code_highlight",
  "code_number_links",
  "prefix",
]);

/** True for an argument `entry.body()` and its kin take: text options and image arguments, also under a `prefix`. */
export function isTextArg(key: string): boolean {
  return HTML_ARGS.has(key) || isArgKey(key);
}

/**
 * Publ's `prefix` argument: `entry.body(prefix='index_', index_width=320)` gives `width=320`, overriding the
 * plain `width`. Keys that carry a prefix are accepted whatever follows it; the result is checked again.
 */
export function prefixNormalize(kw: Record<string, unknown>): Record<string, unknown> {
  const prefixes = asList(kw.prefix).filter((p): p is string => typeof p === "string" && p !== "");
  if (prefixes.length === 0) return kw;
  const out: Record<string, unknown> = {};
  const prefixed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kw)) {
    const p = prefixes.find((x) => key.startsWith(x));
    if (p) prefixed[key.slice(p.length)] = value;
    else out[key] = value;
  }
  return { ...out, ...prefixed };
}

/** Text arguments after `prefix`, with each one Publ's call does not take reported through `warn` and left out. */
export function textArgs(
  kw: Record<string, unknown>,
  what: string,
  warn: (message: string) => void,
  extra: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(prefixNormalize(kw))) {
    if (isTextArg(key) || extra.includes(key)) out[key] = value;
    else warn(`${what} does not take the keyword argument "${key}"; it is ignored`);
  }
  return out;
}

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
