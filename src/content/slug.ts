/** The slug of an entry's URL: from `Slug-Text`, else from the title's plain text; readable, stable, Unicode kept. */
import type { EntryRecord } from "./entry-record.js";
import { slugify } from "../markdown/slugify.js";
import { titleText } from "../markdown/plain-text.js";

/** The slug an entry's canonical URL ends with (`/<category>/<id>-<slug>`); may be empty. */
export function entrySlug(record: Pick<EntryRecord, "slugText" | "title">): string {
  return slugify(record.slugText ?? titleText(record.title));
}
