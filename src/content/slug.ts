/** The slug of an entry's URL: from `Slug-Text`, else from the title's plain text; readable, stable, Unicode kept. */
import { getHeader, type EntryRecord, type Header } from "./entry-record.js";
import { slugify } from "../markdown/slugify.js";
import { titleText, titleSlugText } from "../markdown/plain-text.js";

/**
 * How slugs are written (`[content] slug_style`): `publ` keeps the title's case and its dots and underscores,
 * as Publ does, so a moved Publ site keeps every URL; `lowercase` is Quire's earlier style.
 */
export type SlugStyle = "publ" | "lowercase";

/** Every slug style, for the config schema. */
export const SLUG_STYLES: readonly SlugStyle[] = ["publ", "lowercase"];

/**
 * Titles made only of letters, digits, marks, spaces and these few punctuation marks need no Markdown pass:
 * Markdown and its typographer leave their letters alone and turn the punctuation only into other
 * punctuation, which the slug drops all the same. So is an `&` that cannot start an entity (not followed
 * by a letter, digit or `#`): Markdown shows it as it is. Every other title goes through `titleText`.
 */
const PLAIN_TITLE = /^(?:[\p{L}\p{N}\p{M} ,;:?!-]|&(?![\p{L}\p{N}#]))*$/u;

/**
 * The slug an entry's canonical URL ends with (`/<category>/<id>-<slug>`); may be empty. In Publ's style,
 * given the headers, an empty `Slug-Text:` or a missing `Title` gives an empty slug (`/557`), as in Publ,
 * where a title guessed from the file name is never slugged.
 */
export function entrySlug(
  record: Pick<EntryRecord, "slugText" | "title"> & { headers?: readonly Header[] },
  style: SlugStyle = "publ",
): string {
  if (style === "lowercase") {
    if (record.slugText !== null) return slugify(record.slugText);
    return slugify(PLAIN_TITLE.test(record.title) ? record.title : titleText(record.title));
  }
  if (record.headers) {
    const slugText = getHeader(record.headers, "slug-text");
    if (slugText !== undefined) return publSlug(slugText);
    if (getHeader(record.headers, "title") === undefined) return "";
  }
  if (record.slugText !== null) return publSlug(record.slugText);
  return publSlug(PLAIN_TITLE.test(record.title) ? record.title : titleSlugText(record.title));
}

// Whitespace, punctuation and ASCII symbols separate words, except `.` and `_`, which Publ keeps; letters,
// digits, marks and other symbols (emoji) stay as they are.
const PUBL_SEPARATORS = /(?:(?![._])[\s\p{P}\p{Z}$+<=>^`|~])+/gu;

/** Publ's slug: `"It's alive, it's alive!!!"` → `"It-s-alive-it-s-alive"`, `"Pushl v0.3.5"` → `"Pushl-v0.3.5"`. */
export function publSlug(text: string): string {
  return text
    .normalize("NFC")
    .replace(PUBL_SEPARATORS, "-")
    .replace(/^-+|[-.]+$/g, "");
}
