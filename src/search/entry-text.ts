/**
 * An entry's body as the words search indexes: Markdown or HTML reduced to plain text without rendering it
 * (rendering every entry would cost more than the whole index), link targets, image sources and tags dropped.
 */
import { decodeEntities } from "../markdown/html-scan.js";
import { htmlToText } from "../markdown/plain-text.js";

// Link and image targets `](url "title")` and image arguments `{…}` after them: the words a reader sees are the
// link text and the alt text, which stay.
const LINK_TARGET = /\]\((?:[^()\n]|\([^()\n]*\))*\)(?:\{[^}\n]*\})?/g;
// Reference definitions `[id]: https://…` on a line of their own.
const REFERENCE_DEF = /^ {0,3}\[[^\]\n]+\]:[^\n]*$/gm;
// Raw HTML tags and comments (their text content stays).
const HTML_TAG = /<!--[\s\S]*?-->|<\/?[a-zA-Z][^>\n]*>/g;
// Bare URLs are noise for word search.
const BARE_URL = /\bhttps?:\/\/\S+/g;
// Control characters: the snippet markers are two of them, so no author text may contain them.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** The searchable words of an entry body (`body` and `more` joined), as one line of plain text. */
export function entryText(format: "markdown" | "html", body: string, more: string | null): string {
  const source = more ? `${body}\n\n${more}` : body;
  const text = format === "html" ? htmlToText(source) : markdownText(source);
  return text.replace(CONTROL, " ");
}

/** Markdown to words: markup characters are left in place, since the tokenizer treats them as separators. */
function markdownText(source: string): string {
  // A definition holds "]:", which most entries lack: checking for it spares a line-anchored scan of each.
  const stripped = (source.includes("]:") ? source.replace(REFERENCE_DEF, " ") : source)
    .replace(LINK_TARGET, "] ")
    .replace(HTML_TAG, " ")
    .replace(BARE_URL, " ");
  return stripped.includes("&") ? decodeEntities(stripped) : stripped;
}

/** A title or tag with control characters removed, for the index. */
export function cleanField(text: string): string {
  return text.replace(CONTROL, " ");
}
