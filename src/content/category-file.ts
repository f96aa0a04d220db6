/** Category files (`.cat`/`.meta`): a category's display name, sort name, templates, aliases and
 *  Markdown description. As in Publ, a category file describes the folder it sits in. */

import { QuireError } from "../errors.js";
import type { Header, HeaderStyle } from "./entry-record.js";
import { hasFrontMatter, parseFrontMatter } from "./front-matter.js";
import { contentFile, dirname, normalizeCategory } from "./parse-entry.js";
import { decodeEntryText, excerpt } from "./parse-text.js";
import { parsePublHeaders } from "./publ-headers.js";

/** A parsed category file. */
export interface CategoryRecord {
  /** The category file's path relative to `content/`, e.g. `blog/travel/travel.cat`. */
  file: string;
  /** The category it describes: its folder, or its `Category` header; `""` is the root. */
  path: string;
  /** `Name`, or derived from the folder name as Publ does (`road_trips` → `Road Trips`). */
  name: string;
  /** `Sort-Name`, else the name. */
  sortName: string;
  indexTemplate: string | null;
  entryTemplate: string | null;
  pathAliases: string[];
  /** `Path-Mount` values: paths that show the category (optionally with a template) without redirecting. */
  pathMounts: string[];
  /** The Markdown below the headers (not rendered here). */
  description: string;
  headerStyle: HeaderStyle;
  /** Every header in file order, custom ones included. */
  headers: Header[];
  /** Problems that did not stop the file being used (a malformed header line, a bad `Category`). */
  problems: QuireError[];
}

/** Parse a `.cat`/`.meta` file; throws E_CATEGORY_FILE when it is unreadable as text or its front matter is broken. */
export function parseCategoryFile(bytes: Uint8Array, options: { file: string }): CategoryRecord {
  const { file } = options;
  const where = contentFile(file);
  let block: { style: HeaderStyle; headers: Header[]; body: string; problems: QuireError[] };
  try {
    const text = decodeEntryText(bytes, where);
    block = hasFrontMatter(text)
      ? { style: "yaml", problems: [], ...parseFrontMatter(text, where) }
      : parsePublHeaders(text, where, "E_CATEGORY_FILE");
  } catch (cause) {
    if (!(cause instanceof QuireError)) throw cause;
    // One code for every category-file failure; the specific one stays in the cause chain.
    throw new QuireError("E_CATEGORY_FILE", cause.message, { file: where, line: cause.line, cause });
  }
  const problems = [...block.problems];
  const first = (key: string): Header | undefined =>
    block.headers.find((h) => h.key === key && h.value.trim() !== "");
  const text = (key: string): string | null => first(key)?.value.trim() ?? null;

  let path = dirname(file);
  const override = first("category");
  if (override) {
    const normalised = normalizeCategory(override.value);
    if (normalised === null) {
      problems.push(
        new QuireError(
          "E_CATEGORY_FILE",
          `${override.name} "${excerpt(override.value)}" may not contain .. (expected e.g. blog/travel)`,
          { file: where, line: override.line, field: override.name },
        ),
      );
    } else {
      path = normalised;
    }
  }
  const name = text("name") ?? guessCategoryName(path);
  const record: CategoryRecord = {
    file,
    path,
    name,
    sortName: text("sort-name") ?? name,
    indexTemplate: text("index-template"),
    entryTemplate: text("entry-template"),
    pathAliases: block.headers.filter((h) => h.key === "path-alias" && h.value.trim()).map((h) => h.value.trim()),
    pathMounts: block.headers.filter((h) => h.key === "path-mount" && h.value.trim()).map((h) => h.value.trim()),
    description: block.body,
    headerStyle: block.style,
    headers: block.headers,
    problems,
  };
  return record;
}

/** Publ's default category name: the folder's own name, `_` as space, title-cased; `""` for the root. */
export function guessCategoryName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.replace(/_/g, " ").replace(/\p{L}+/gu, (word) => {
    const [head = "", ...rest] = word;
    return head.toUpperCase() + rest.join("").toLowerCase();
  });
}
