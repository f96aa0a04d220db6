/** Slugs for entry URLs and heading ids: readable, stable, lowercase, Unicode letters kept. */

/** Longest slug, in characters; longer text is cut at the last word boundary before it. */
export const SLUG_MAX_LENGTH = 80;

// Apostrophes join a word rather than split it: "Don't" → "dont", not "don-t".
const APOSTROPHES = /['\u2019\u02bc]/g;
// Anything that is not a letter, digit or combining mark separates words.
const SEPARATORS = /[^\p{L}\p{N}\p{M}]+/gu;
const ASCII = /^[\p{ASCII}]*$/u;
const ASCII_SEPARATORS = /[^a-z0-9]+/g;

/** `"Café déjà vu!"` → `"café-déjà-vu"`; punctuation dropped, separators collapsed, at most ~80 characters; `""` when nothing is left. */
export function slugify(text: string, maxLength = SLUG_MAX_LENGTH): string {
  // ASCII text (most titles) takes a shorter road to the same slug: NFC leaves it as it is, and its only
  // letters and digits are a-z and 0-9 once lowercased.
  if (ASCII.test(text)) {
    return truncate(
      text
        .toLowerCase()
        .replace(/'/g, "")
        .replace(ASCII_SEPARATORS, "-")
        .replace(/^-+|-+$/g, ""),
      maxLength,
    );
  }
  // NFC so that the same title typed on macOS (decomposed) and elsewhere gives the same URL.
  const slug = text
    .normalize("NFC")
    .toLowerCase()
    .replace(APOSTROPHES, "")
    .replace(SEPARATORS, "-")
    .replace(/^-+|-+$/g, "");
  return truncate(slug, maxLength);
}

/** Cuts at the last `-` that keeps the slug within `maxLength` code points, or mid-word if one word is longer. */
function truncate(slug: string, maxLength: number): string {
  // No string has more code points than code units.
  if (slug.length <= maxLength) return slug;
  const chars = Array.from(slug);
  if (chars.length <= maxLength) return slug;
  const head = chars.slice(0, maxLength + 1).join("");
  const cut = head.lastIndexOf("-");
  if (cut > 0) return head.slice(0, cut);
  return chars.slice(0, maxLength).join("");
}
