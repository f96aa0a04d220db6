/** One entry file's bytes → an EntryRecord: header style detection, header interpretation with Publ's
 *  defaults, and the `.....` cut. Pure: no file system; fatal problems throw, the rest are returned. */

import { suggestHeader } from "./header-typos.js";
import { QuireError } from "../errors.js";
import { isUtf8 } from "node:buffer";
import {
  ENTRY_STATUSES,
  type EntryFormat,
  type EntryRecord,
  type EntryStatus,
  type Header,
  type HeaderStyle,
} from "./entry-record.js";
import { isValidTimeZone, tryParseDate, DATE_EXAMPLE } from "./dates.js";
import { frontMatterBody, hasFrontMatter, parseFrontMatter } from "./front-matter.js";
import { parsePublHeaders, type HeaderBlock } from "./publ-headers.js";
import { BINARY_SNIFF_BYTES, MAX_ENTRY_BYTES, decodeEntryText, excerpt, splitAtCut } from "./parse-text.js";

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

/** Statuses that would list or serve an entry: an unreadable Date withholds it instead. */
const WITHHELD_ON_BAD_DATE: ReadonlySet<EntryStatus> = new Set(["SCHEDULED", "PUBLISHED", "HIDDEN", "UNLISTED"]);

const UUID = /^(?:urn:uuid:)?\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** The path authors see in messages: entry paths are relative to `content/`, messages to the site. */
export function contentFile(file: string): string {
  return `content/${file}`;
}

/** What the index keeps of an entry file: everything but the text of its body, and whether it has a cut. */
export type EntryHeader = Omit<EntryRecord, "body" | "more"> & { hasMore: boolean };

/** Parse one entry file; throws QuireError when the file cannot be an entry at all. */
export function parseEntry(bytes: Uint8Array, options: ParseEntryOptions): ParsedEntry {
  const timeZone = checkedTimeZone(options);
  const where = contentFile(options.file);
  const text = decodeEntryText(bytes, where);
  const block = headerBlock(text, where);
  const cut = splitAtCut(block.body);
  return interpret(block, options, timeZone, where, { body: cut.body, more: cut.more });
}

/**
 * Like `parseEntry`, for the index: the same headers, problems and errors, but the body is only searched
 * for a cut, not decoded. A Publ-style file is decoded only up to its first blank line (its header block
 * ends there at the latest), a file with front matter up to the line that closes it, and the cut is looked
 * for in the bytes; any file this shortcut does not fit (CR line endings, no blank line or closing line,
 * bad bytes) is read whole, as `parseEntry` reads it.
 */
export function parseEntryHeader(bytes: Uint8Array, options: ParseEntryOptions): ParsedEntryHeader {
  const timeZone = checkedTimeZone(options);
  const where = contentFile(options.file);
  const prefix = headerPrefix(bytes);
  if (prefix === null) {
    // The whole file, exactly as parseEntry reads it.
    const block = headerBlock(decodeEntryText(bytes, where), where);
    return interpret(block, options, timeZone, where, { hasMore: splitAtCut(block.body).more !== null });
  }
  const text = prefixDecoder.decode(bytes.subarray(0, prefix.end));
  const block = headerBlock(text, where);
  const bodyStart = prefix.bom + Buffer.byteLength(text.slice(0, text.length - block.body.length));
  return interpret(block, options, timeZone, where, { hasMore: hasCutLine(bytes, bodyStart) });
}

/** An entry's header-only parse and the problems that did not stop it from being indexed. */
export interface ParsedEntryHeader {
  record: EntryHeader;
  problems: QuireError[];
}

/** A header block in either style. */
type AnyHeaderBlock = Omit<HeaderBlock, "style"> & { style: HeaderStyle };

function checkedTimeZone(options: ParseEntryOptions): string {
  const timeZone = options.timeZone ?? "UTC";
  if (!isValidTimeZone(timeZone)) {
    throw new QuireError(
      "E_CONFIG",
      `Time zone "${timeZone}" is not an IANA time zone (expected e.g. America/Los_Angeles)`,
      { field: "timeZone" },
    );
  }
  return timeZone;
}

function headerBlock(text: string, where: string): AnyHeaderBlock {
  return hasFrontMatter(text)
    ? { style: "yaml" as const, problems: [], ...parseFrontMatter(text, where) }
    : parsePublHeaders(text, where);
}

/** The entry record from a parsed header block; `tail` adds what the caller knows of the body. */
function interpret<T extends object>(
  block: AnyHeaderBlock,
  options: ParseEntryOptions,
  timeZone: string,
  where: string,
  tail: T,
): { record: Omit<EntryRecord, "body" | "more"> & T; problems: QuireError[] } {
  const { file } = options;
  const problems: QuireError[] = [...block.problems];
  const fields = new HeaderReader(block.headers, where, problems);
  const title = fields.text("title") ?? guessTitle(basename(file));
  const record = {
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
    // Every Auth header counts: a rule split over two headers must not lose its second half.
    auth: fields.list("auth").join(" ").trim() || null,
    bodyLine: block.bodyLine,
    ...tail,
  };
  // A Date that cannot be read is reported, never guessed: dating the entry by its file's mtime would put it
  // at the top of the site (on every deploy), so it is withheld like a draft until the author fixes it.
  fields.reportTypos();
  if (record.date === null && fields.unreadable("date") && WITHHELD_ON_BAD_DATE.has(record.status)) {
    record.status = UNKNOWN_STATUS_FALLBACK;
  }
  return { record, problems };
}

const prefixDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const LF_LF = Buffer.from("\n\n");
const LF_DASHES = Buffer.from("\n---");
const DOTS = Buffer.from(".....");

/**
 * Where the header block must have ended, for a file that is valid UTF-8 with LF line endings up to there:
 * just after the first blank line of Publ-style headers, or after the line that closes front matter; else
 * null. `bom` is 3 when the file starts with a byte order mark (decoding drops it).
 */
function headerPrefix(bytes: Uint8Array): { end: number; bom: number } | null {
  // Anything decodeEntryText would refuse goes the long way, so that it fails with the same message.
  if (bytes.length > MAX_ENTRY_BYTES || !isUtf8(bytes)) return null;
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) >= 0) return null;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bytes[bom] === 0x2d) return frontMatterPrefix(bytes, bom);
  const blank = Buffer.prototype.indexOf.call(bytes, LF_LF);
  if (blank < 0) return null;
  const end = blank + 2;
  if (bytes.subarray(0, end).indexOf(0x0d) >= 0) return null;
  return { end, bom };
}

/**
 * For a file that opens with front matter (`---`, not `----`): just after the line that closes it, the
 * first later line starting with `---`, as `parseFrontMatter` finds it; null when there is none or a CR
 * comes before.
 */
function frontMatterPrefix(bytes: Uint8Array, bom: number): { end: number; bom: number } | null {
  if (bytes[bom + 1] !== 0x2d || bytes[bom + 2] !== 0x2d || bytes[bom + 3] === 0x2d) return null;
  const close = Buffer.prototype.indexOf.call(bytes, LF_DASHES, bom);
  if (close < 0) return null;
  const lineEnd = bytes.indexOf(0x0a, close + 1);
  const end = lineEnd < 0 ? bytes.length : lineEnd + 1;
  if (bytes.subarray(0, end).indexOf(0x0d) >= 0) return null;
  return { end, bom };
}

/**
 * Whether the body (from byte `start`) has a line of exactly five dots, trailing spaces or tabs allowed,
 * as `splitAtCut` finds it in the decoded text: lines end at LF, CR, U+2028 or U+2029.
 */
function hasCutLine(bytes: Uint8Array, start: number): boolean {
  let at = Buffer.prototype.indexOf.call(bytes, DOTS, start);
  while (at >= 0) {
    if (at === start || endsLine(bytes, at)) {
      let end = at + 5;
      while (bytes[end] === 0x20 || bytes[end] === 0x09) end++;
      if (end === bytes.length || startsLineBreak(bytes, end)) return true;
    }
    at = Buffer.prototype.indexOf.call(bytes, DOTS, at + 1);
  }
  return false;
}

/** True when a line break ends just before `at`. */
function endsLine(bytes: Uint8Array, at: number): boolean {
  const b = bytes[at - 1];
  if (b === 0x0a || b === 0x0d) return true;
  return at >= 3 && bytes[at - 3] === 0xe2 && bytes[at - 2] === 0x80 && (b === 0xa8 || b === 0xa9);
}

/** True when a line break starts at `at`. */
function startsLineBreak(bytes: Uint8Array, at: number): boolean {
  const b = bytes[at];
  if (b === 0x0a || b === 0x0d) return true;
  return b === 0xe2 && bytes[at + 1] === 0x80 && (bytes[at + 2] === 0xa8 || bytes[at + 2] === 0xa9);
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
  /** Every header whose value is not empty, by key, in file order. */
  private readonly byKey = new Map<string, Header[]>();
  /** Keys whose date header was present but could not be read. */
  private readonly unreadableKeys = new Set<string>();

  constructor(
    headers: Header[],
    private readonly file: string,
    private readonly problems: QuireError[],
  ) {
    for (const h of headers) {
      if (h.value.trim() === "") continue;
      const same = this.byKey.get(h.key);
      if (same) same.push(h);
      else this.byKey.set(h.key, [h]);
    }
  }

  /** The first header with this key whose value is not empty. */
  private first(key: string): Header | undefined {
    return this.byKey.get(key)?.[0];
  }

  private problem(code: QuireError["code"], h: Header, message: string): void {
    this.problems.push(new QuireError(code, message, { file: this.file, line: h.line, field: h.name }));
  }

  text(key: string): string | null {
    return this.first(key)?.value.trim() ?? null;
  }

  list(key: string): string[] {
    return this.byKey.get(key)?.map((h) => h.value.trim()) ?? [];
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

  /** Reports unknown headers one slip away from a known one (`Titel:`): kept, but probably meant. */
  reportTypos(): void {
    for (const [key, headers] of this.byKey) {
      const meant = suggestHeader(key);
      if (meant) this.problem("E_ENTRY_HEADER", headers[0]!, `${headers[0]!.name} is not a header Quire knows; did you mean ${meant}?`);
    }
  }

  /** Whether the `key` date header was present but not a date. */
  unreadable(key: string): boolean {
    return this.unreadableKeys.has(key);
  }

  date(key: string, timeZone: string): number | null {
    const h = this.first(key);
    if (!h) return null;
    const ms = tryParseDate(h.value, timeZone);
    if (ms === null) {
      const withheld = key === "date" ? "; the entry is withheld until it is fixed" : "";
      this.problem(
        "E_ENTRY_DATE",
        h,
        `${h.name} "${excerpt(h.value)}" is not a date (expected e.g. ${DATE_EXAMPLE})${withheld}`,
      );
      this.unreadableKeys.add(key);
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
