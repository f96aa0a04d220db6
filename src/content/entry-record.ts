/** The typed shape of one entry file, the same whichever header style the author used. */

/** Every `Status` value Publ knows; `SCHEDULED` is the default. */
export const ENTRY_STATUSES = [
  "DRAFT",
  "HIDDEN",
  "UNLISTED",
  "PUBLISHED",
  "SCHEDULED",
  "ATTACHMENT",
  "GONE",
  "DELETED",
  "ILLEGAL",
  "DMCA",
  "TEAPOT",
] as const;

export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** One header line as the author wrote it (name case kept), value with continuation lines joined. */
export interface Header {
  /** The name as written, e.g. `Entry-ID` or `entry_id`. */
  name: string;
  /** The canonical lowercase key, `-` separated: `entry-id`. */
  key: string;
  value: string;
  /** 1-based line in the file where this header starts. */
  line: number;
}

/** How the header block was written. */
export type HeaderStyle = "publ" | "yaml" | "none";

/** Markdown or HTML entry body. */
export type EntryFormat = "markdown" | "html";

/** A parsed entry file: its headers interpreted, its body split at the `.....` cut. */
export interface EntryRecord {
  /** Path relative to `content/`, forward slashes, e.g. `blog/photos/sunset.md`. */
  file: string;
  format: EntryFormat;
  headerStyle: HeaderStyle;
  /** Every header in file order, including unknown (custom) ones. */
  headers: Header[];
  title: string;
  sortTitle: string;
  /** Publication time in epoch ms; null when the file has no `Date` header. */
  date: number | null;
  lastModified: number | null;
  /** The explicit `Entry-ID`, or null (then a path-derived ID is assigned by the indexer). */
  entryId: number | null;
  uuid: string | null;
  /** Category path without slashes at either end; `""` is the root category. */
  category: string;
  status: EntryStatus;
  slugText: string | null;
  redirectTo: string | null;
  pathAliases: string[];
  pathCanonical: string | null;
  pathMounts: string[];
  entryType: string | null;
  entryTemplate: string | null;
  tags: string[];
  hiddenTags: string[];
  summary: string | null;
  attach: string[];
  auth: string | null;
  /** Text above the `.....` cut (the whole body when there is no cut). */
  body: string;
  /** Text below the cut, or null when the entry has no cut. */
  more: string | null;
  /** 1-based line of the file where the body starts (for error messages). */
  bodyLine: number;
}

/** Look up the first header with this key (case-insensitive, `-`/`_` equivalent). */
export function getHeader(headers: readonly Header[], name: string): string | undefined {
  const key = headerKey(name);
  return headers.find((h) => h.key === key)?.value;
}

/** Every value of a repeated header, in file order. */
export function getHeaders(headers: readonly Header[], name: string): string[] {
  const key = headerKey(name);
  return headers.filter((h) => h.key === key).map((h) => h.value);
}

/** The canonical key of a header name: lowercase, `_` and spaces as `-`. */
export function headerKey(name: string): string {
  return name.trim().toLowerCase().replace(/[_\s]+/g, "-");
}
