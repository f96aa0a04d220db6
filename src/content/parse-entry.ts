/** One entry file's bytes → an EntryRecord: header style detection, header interpretation with Publ's
 *  defaults, and the `.....` cut. Pure: no file system; fatal problems throw, the rest are returned. */

import { QuireError } from "../errors.js";
import { ENTRY_STATUSES, type EntryFormat, type EntryRecord, type EntryStatus, type Header } from "./entry-record.js";
import { isValidTimeZone, tryParseDate, DATE_EXAMPLE } from "./dates.js";
import { frontMatterBody, hasFrontMatter, parseFrontMatter } from "./front-matter.js";
import { parsePublHeaders } from "./publ-headers.js";
import { decodeEntryText, excerpt, splitAtCut } from "./parse-text.js";

export { MAX_ENTRY_BYTES } from "./parse-text.js";

/** Where an entry file sits and how to read its dates. */
export interface ParseEntryOptions {
  /** Path relative to `content/`, forward slashes: `blog/travel/lisbon.md`. */
  file: string;
  /** The category from the folder; defaults to the file's directory. A `Category` header overrides it. */
  category?: string;
  /** IANA zone for dates written without an offset; default `UTC`. */
  timeZone?: string;
}

/** A parsed entry and the problems that did not stop it from being indexed. */
export interface ParsedEntry {
  record: EntryRecord;
  problems: QuireError[];
}

/** The status an entry gets when its `Status` is not one Quire knows: never published by accident. */
export const UNKNOWN_STATUS_FALLBACK: EntryStatus = "DRAFT";

const UUID = /^(?:urn:uuid:)?\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** The path authors see in messages: entry paths are relative to `content/`, messages to the site. */
export function contentFile(file: string): string {
  return `content/${file}`;
}

/** Parse one entry file; throws QuireError when the file cannot be an entry at all. */
export function parseEntry(bytes: Uint8Array, options: ParseEntryOptions): ParsedEntry {
  const { file } = options;
  const timeZone = options.timeZone ?? "UTC";
  if (!isValidTimeZone(timeZone)) {
    throw new QuireError(
      "E_CONFIG",
      `Time zone "${timeZone}" is not an IANA time zone (expected e.g. America/Los_Angeles)`,
      { field: "timeZone" },
    );
  }
  const where = contentFile(file);
  const text = decodeEntryText(bytes, where);
  const block = hasFrontMatter(text)
    ? { style: "yaml" as const, problems: [], ...parseFrontMatter(text, where) }
    : parsePublHeaders(text, where);
  const problems: QuireError[] = [...block.problems];
  const fields = new HeaderReader(block.headers, where, problems);
  const cut = splitAtCut(block.body);
  const title = fields.text("title") ?? guessTitle(basename(file));

  const record: EntryRecord = {
    file,
    format: entryFormat(file),
    headerStyle: block.style,
    headers: block.headers,
    title,
    sortTitle: fields.text("sort-title") ?? title,
    date: fields.date("date", timeZone),
    lastModified: fields.date("last-modified", timeZone),
    entryId: fields.entryId(),
    uuid: fields.uuid(),
    category: fields.category(options.category ?? dirname(file)),
    status: fields.status(),
    slugText: fields.text("slug-text"),
    redirectTo: fields.text("redirect-to"),
    pathAliases: fields.list("path-alias"),
    pathCanonical: fields.text("path-canonical"),
    pathMounts: fields.list("path-mount"),
    entryType: fields.text("entry-type"),
    entryTemplate: fields.text("entry-template"),
    tags: fields.tags("tag"),
    hiddenTags: fields.tags("hidden-tag"),
    summary: fields.text("summary"),
    attach: fields.list("attach"),
    auth: fields.text("auth"),
    body: cut.body,
    more: cut.more,
    bodyLine: block.bodyLine,
  };
  return { record, problems };
}

/**
 * Only what rendering needs of an entry file: its format and its text above and below the cut. Headers are
 * skipped, not interpreted (the index holds them), so YAML front matter is not parsed a second time.
 */
export function parseEntryBody(bytes: Uint8Array, file: string): Pick<EntryRecord, "format" | "body" | "more"> {
  const where = contentFile(file);
  const text = decodeEntryText(bytes, where);
  const body = hasFrontMatter(text) ? frontMatterBody(text, where) : parsePublHeaders(text, where).body;
  const cut = splitAtCut(body);
  return { format: entryFormat(file), body: cut.body, more: cut.more };
}

/** Reads typed values out of headers, recording a problem (with its line) for each value that does not fit. */
class HeaderReader {
  constructor(
    private readonly headers: Header[],
    private readonly file: string,
    private readonly problems: QuireError[],
  ) {}

  /** The first header with this key whose value is not empty. */
  private first(key: string): Header | undefined {
    return this.headers.find((h) => h.key === key && h.value.trim() !== "");
  }

  private problem(code: QuireError["code"], h: Header, message: string): void {
    this.problems.push(new QuireError(code, message, { file: this.file, line: h.line, field: h.name }));
  }

  text(key: string): string | null {
    return this.first(key)?.value.trim() ?? null;
  }

  list(key: string): string[] {
    return this.headers.filter((h) => h.key === key && h.value.trim() !== "").map((h) => h.value.trim());
  }

  /** One tag per header, as in Publ (commas are part of the tag); repeats dropped case-insensitively. */
  tags(key: string): string[] {
    const seen = new Set<string>();
    return this.list(key).filter((tag) => {
      const folded = tag.toLowerCase();
      if (seen.has(folded)) return false;
      seen.add(folded);
      return true;
    });
  }

  date(key: string, timeZone: string): number | null {
    const h = this.first(key);
    if (!h) return null;
    const ms = tryParseDate(h.value, timeZone);
    if (ms === null) {
      this.problem("E_ENTRY_DATE", h, `${h.name} "${excerpt(h.value)}" is not a date (expected e.g. ${DATE_EXAMPLE})`);
    }
    return ms;
  }

  entryId(): number | null {
    const h = this.first("entry-id");
    if (!h) return null;
    const value = h.value.trim();
    const id = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (id >= 1 && Number.isSafeInteger(id)) return id;
    this.problem("E_ENTRY_ID", h, `${h.name} "${excerpt(value)}" is not an entry ID (expected a positive whole number, e.g. 42)`);
    return null;
  }

  uuid(): string | null {
    const h = this.first("uuid");
    if (!h) return null;
    const m = UUID.exec(h.value.trim());
    if (m?.[1]) return m[1].toLowerCase();
    this.problem(
      "E_ENTRY_UUID",
      h,
      `${h.name} "${excerpt(h.value)}" is not a UUID (expected e.g. 0f8fad5b-d9cb-469f-a165-70867728950e)`,
    );
    return null;
  }

  category(fromFolder: string): string {
    const h = this.first("category");
    if (!h) return fromFolder;
    const path = normalizeCategory(h.value);
    if (path !== null) return path;
    this.problem("E_ENTRY_HEADER", h, `${h.name} "${excerpt(h.value)}" may not contain .. (expected e.g. blog/travel)`);
    return fromFolder;
  }

  status(): EntryStatus {
    // An empty `Status:` counts as absent, like every other empty header.
    const h = this.first("status");
    if (!h) return "SCHEDULED";
    const value = h.value.trim().toUpperCase();
    const known = ENTRY_STATUSES.find((s) => s === value);
    if (known) return known;
    this.problem(
      "E_ENTRY_STATUS",
      h,
      `${h.name} "${excerpt(h.value)}" is not a status (expected one of ${ENTRY_STATUSES.join(", ")}); ` +
        `the entry is kept as ${UNKNOWN_STATUS_FALLBACK} until it is fixed`,
    );
    return UNKNOWN_STATUS_FALLBACK;
  }
}

/** A `Category` value as a category path (`/blog//travel/` → `blog/travel`); null if it climbs with `..`. */
export function normalizeCategory(value: string): string | null {
  const parts = value.split("/").map((p) => p.trim()).filter((p) => p !== "" && p !== ".");
  return parts.includes("..") ? null : parts.join("/");
}

function entryFormat(file: string): EntryFormat {
  return /\.html?$/i.test(file) ? "html" : "markdown";
}

function basename(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

/** The folder of a path relative to `content/`: the category an entry or `.cat` file belongs to. */
export function dirname(file: string): string {
  const i = file.lastIndexOf("/");
  return i < 0 ? "" : file.slice(0, i);
}

/**
 * Publ's `guess_title`: drop the extension, turn runs of space, `_` and `-` into one space, then
 * Python's `str.title()` (each run of letters capitalised, the rest lowercased), so Publ sites keep their titles.
 */
export function guessTitle(name: string): string {
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return stem
    .replace(/[ _-]+/g, " ")
    .replace(/\p{L}+/gu, (word) => {
      const [head = "", ...rest] = word;
      return head.toUpperCase() + rest.join("").toLowerCase();
    });
}
