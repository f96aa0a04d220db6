/** The slug of an entry's URL: from `Slug-Text`, else from the title's plain text; readable, stable, Unicode kept. */
import type { EntryRecord } from "./entry-record.js";
import { slugify } from "../markdown/slugify.js";
import { titleText } from "../markdown/plain-text.js";

/**
 * Titles made only of letters, digits, marks, spaces and these few punctuation marks need no Markdown pass:
 * Markdown and its typographer leave their letters alone and turn the punctuation only into other
 * punctuation, which the slug drops all the same. So is an `&` that cannot start an entity (not followed
 * by a letter, digit or `#`): Markdown shows it as it is. Every other title goes through `titleText`.
 */
const PLAIN_TITLE = /^(?:[\p{L}\p{N}\p{M} ,;:?!.-]|&(?![\p{L}\p{N}#]))*$/u;

/** The slug an entry's canonical URL ends with (`/<category>/<id>-<slug>`); may be empty. */
export function entrySlug(record: Pick<EntryRecord, "slugText" | "title">): string {
  if (record.slugText !== null) return slugify(record.slugText);
  return slugify(PLAIN_TITLE.test(record.title) ? record.title : titleText(record.title));
}
