/**
 * One content file → the rows the index stores for it: read once, fingerprinted, parsed, slugged, with its
 * candidate IDs. Touches no database; `refreshIndex` writes the result.
 */
import { hash } from "node:crypto";
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import { QuireError, isQuireError } from "../errors.js";
import type { ContentKind } from "../content/scanner.js";
import { parseEntryHeader, MAX_ENTRY_BYTES } from "../content/parse-entry.js";
import { parseCategoryFile } from "../content/category-file.js";
import { derivedEntryId, derivedUuid } from "../content/entry-id.js";
import { entrySlug, publSlug, type SlugStyle } from "../content/slug.js";
import { dateZone, zoneOffsetMs } from "../content/dates.js";
import { getHeader } from "../content/entry-record.js";
import { referencedAssets } from "../content/asset-refs.js";
import { isRestricted } from "../auth/access-rule.js";
import { attachRow, type AttachRow } from "./attachments.js";

/** A file to prepare. `size`/`mtimeMs` of -1 mean "not statted yet": the open file is statted instead. */
export interface FileToPrepare {
  rel: string;
  abs: string;
  kind: ContentKind;
  size: number;
  mtimeMs: number;
}

/** A problem as the `problems` table stores it: code, message, line, field. */
export type ProblemRow = [code: string, message: string, line: number | null, field: string | null];

/** The `entries` columns an entry file determines by itself, in ENTRY_INSERT_COLUMNS order after file, id, uuid, id_derived. */
export type EntryValues = [
  explicit_id: number | null,
  explicit_uuid: string | null,
  title: string,
  sort_title: string,
  slug: string,
  date: number,
  date_explicit: number,
  date_zone: string | null,
  local_date: number,
  last_modified: number | null,
  category: string,
  status: string,
  format: string,
  entry_type: string | null,
  entry_template: string | null,
  redirect_to: string | null,
  path_canonical: string | null,
  summary: string | null,
  auth: string | null,
  has_more: number,
  headers_json: string,
];

/** Columns of `entries` as the indexer inserts them. */
export const ENTRY_INSERT_COLUMNS = [
  "file",
  "id",
  "uuid",
  "id_derived",
  "explicit_id",
  "explicit_uuid",
  "title",
  "sort_title",
  "slug",
  "date",
  "date_explicit",
  "date_zone",
  "local_date",
  "last_modified",
  "category",
  "status",
  "format",
  "entry_type",
  "entry_template",
  "redirect_to",
  "path_canonical",
  "summary",
  "auth",
  "has_more",
  "headers_json",
] as const;

/** `category_files` values after `file`: category, name, sort_name, index_template, entry_template, description, headers_json. */
export type CategoryValues = [string, string, string, string | null, string | null, string, string];

/** Everything the index stores for one file. */
export interface PreparedFile {
  rel: string;
  kind: ContentKind;
  size: number;
  mtimeMs: number;
  hash: string;
  /** Deleted between the scan and the read: not indexed, not fingerprinted. */
  gone?: boolean;
  /** Unreadable now: fingerprinted so the next refresh tries again. */
  retry?: boolean;
  problems: ProblemRow[];
  entry?: EntryValues;
  /** The ID and UUID the entry gets when nothing else claims them (path-derived, first attempt). */
  derivedId?: number;
  derivedUuid?: string;
  /** [tag key, display name, hidden]. */
  tags?: [string, string, number][];
  /** [request path, kind, template]. */
  aliases?: AliasRow[];
  /** The entry's `Attach:` values: [target path under content/, target entry ID]. */
  attach?: AttachRow[];
  category?: CategoryValues;
  /** Content paths the entry's text may refer to (see referencedAssets). */
  assets?: string[];
  /** A copy of the entry file's bytes, when asked for (`prepareFile`'s `bytes`): search reads them. */
  bytes?: Uint8Array;
}

/** Reads, fingerprints and parses one file; never throws for a bad file (its problems are in the result). */
export function prepareFile(
  file: FileToPrepare,
  timeZone: string,
  slugStyle: SlugStyle = "publ",
  options: { bytes?: boolean; assets?: "all" | "restricted" } = {},
): PreparedFile {
  const read = readContentFile(file);
  const out: PreparedFile = {
    rel: file.rel,
    kind: file.kind,
    size: read.size,
    mtimeMs: read.mtimeMs,
    hash: read.hash,
    problems: [],
  };
  if (read.gone) out.gone = true;
  if (read.retry) out.retry = true;
  if (read.problem) out.problems.push(problemRow(read.problem));
  else if (read.bytes && file.kind === "entry") {
    prepareEntry(out, read.bytes, timeZone, slugStyle, options.assets !== "restricted");
    // The bytes are only valid until the next read (see readBuffer): copied into a buffer of their own.
    if (options.bytes && out.entry) out.bytes = new Uint8Array(read.bytes);
  } else if (read.bytes && file.kind === "category") prepareCategory(out, read.bytes);
  return out;
}

interface ReadResult {
  bytes?: Buffer;
  size: number;
  mtimeMs: number;
  hash: string;
  problem?: QuireError;
  gone?: boolean;
  retry?: boolean;
}

/** The fingerprint of a file's bytes (not a security boundary: it only tells changed files from unchanged ones). */
export function contentHash(bytes: Uint8Array): string {
  return hash("sha1", bytes, "base64url");
}

/** Files up to this size are read into one reused buffer instead of a new one each. */
const SHARED_READ_BYTES = 1 << 20;
let shared = Buffer.allocUnsafe(64 * 1024);

/**
 * A buffer for reading `size` bytes. Small files share one, which spares a full index ten thousand
 * allocations and the garbage collections they cause; the bytes are only valid until the next read, so
 * `prepareFile` keeps nothing that points into them (decoding copies them into strings).
 */
function readBuffer(size: number): Buffer {
  if (size > SHARED_READ_BYTES) return Buffer.allocUnsafe(size);
  if (size > shared.length)
    shared = Buffer.allocUnsafe(Math.min(SHARED_READ_BYTES, 2 ** Math.ceil(Math.log2(size))));
  return shared.subarray(0, size);
}

/** Reads a file once; an over-large entry is fingerprinted by size and mtime and reported, never read whole. */
function readContentFile(file: FileToPrepare): ReadResult {
  let fd: number | undefined;
  let size = file.size;
  let mtimeMs = file.mtimeMs;
  try {
    fd = openSync(file.abs, "r");
    const st = fstatSync(fd);
    size = st.size;
    if (mtimeMs < 0) mtimeMs = st.mtimeMs;
    if (file.kind !== "asset" && size > MAX_ENTRY_BYTES) {
      return {
        size,
        mtimeMs,
        hash: `large:${size}:${mtimeMs}`,
        problem: new QuireError(
          "E_ENTRY_TOO_LARGE",
          `is ${(size / 1048576).toFixed(1)} MB; entry files may be at most ${MAX_ENTRY_BYTES / 1048576} MB (skipped)`,
          { file: `content/${file.rel}` },
        ),
      };
    }
    const bytes = readBuffer(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, bytes, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    const data = off === size ? bytes : bytes.subarray(0, off);
    return { bytes: data, size, mtimeMs, hash: contentHash(data) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { size, mtimeMs, hash: "", gone: true };
    return {
      size: Math.max(size, 0),
      mtimeMs: Math.max(mtimeMs, 0),
      hash: `unreadable:${code ?? "error"}`,
      retry: true,
      problem: new QuireError(
        "E_ENTRY_READ",
        `could not be read (${code ?? (err as Error).message}); skipped`,
        {
          file: `content/${file.rel}`,
          cause: err,
        },
      ),
    };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The folder of a content path: `blog/travel/x.md` → `blog/travel`. */
export function folderOf(rel: string): string {
  const i = rel.lastIndexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}

function prepareEntry(
  out: PreparedFile,
  bytes: Buffer,
  timeZone: string,
  slugStyle: SlugStyle,
  allAssets: boolean,
): void {
  const rel = out.rel;
  let parsed: ReturnType<typeof parseEntryHeader>;
  try {
    parsed = parseEntryHeader(bytes, { file: rel, category: folderOf(rel), timeZone });
  } catch (err) {
    out.problems.push(parseFailure(err, "E_ENTRY_READ", rel));
    return;
  }
  const { record, problems } = parsed;
  for (const p of problems) out.problems.push(problemRow(p));
  const date = record.date ?? Math.round(out.mtimeMs);
  const zone = record.date === null ? null : dateZone(getHeader(record.headers, "date") ?? "");
  out.entry = [
    record.entryId,
    record.uuid,
    record.title,
    record.sortTitle,
    entrySlug(record, slugStyle),
    date,
    record.date === null ? 0 : 1,
    zone,
    date + zoneOffsetMs(date, zone ?? timeZone),
    record.lastModified,
    record.category,
    record.status,
    record.format,
    record.entryType,
    record.entryTemplate,
    record.redirectTo,
    record.pathCanonical,
    record.summary,
    record.auth,
    record.hasMore ? 1 : 0,
    JSON.stringify(record.headers.map((h) => [h.name, h.value])),
  ];
  // Candidate IDs: the entry is inserted with them, and `assignIds` reuses them instead of hashing again.
  if (record.entryId === null) out.derivedId = derivedEntryId(rel);
  if (record.uuid === null) out.derivedUuid = derivedUuid(rel);
  const tags: [string, string, number][] = [];
  for (const tag of record.tags) tags.push([tagKey(tag), tag.trim(), 0]);
  for (const tag of record.hiddenTags) tags.push([tagKey(tag), tag.trim(), 1]);
  if (tags.length > 0) out.tags = tags;
  // Until an entry of the site is private, which files entries refer to decides nothing (see refresh.ts).
  if (allAssets || isRestricted(record.auth)) {
    const assets = referencedAssets(rel, record.category, bytes.toString("utf8"));
    if (assets.length > 0) out.assets = assets;
  }
  const aliases: AliasRow[] = [];
  for (const alias of record.pathAliases) aliases.push(aliasRow(alias, "alias"));
  for (const mount of record.pathMounts) aliases.push(aliasRow(mount, "mount"));
  // The canonical path serves the entry, as a mount does.
  if (record.pathCanonical) aliases.push(aliasRow(record.pathCanonical, "canonical", false));
  if (aliases.length > 0) out.aliases = aliases;
  const attach = record.attach.map((v) => attachRow(rel, v)).filter((r): r is AttachRow => r !== null);
  if (attach.length > 0) out.attach = attach;
}

function prepareCategory(out: PreparedFile, bytes: Buffer): void {
  try {
    const cat = parseCategoryFile(bytes, { file: out.rel });
    out.category = [
      cat.path,
      cat.name,
      cat.sortName,
      cat.indexTemplate,
      cat.entryTemplate,
      cat.description,
      JSON.stringify(cat.headers.map((h) => [h.name, h.value])),
    ];
    const aliases = [
      ...cat.pathAliases.map((a) => aliasRow(a, "category")),
      ...cat.pathMounts.map((a) => aliasRow(a, "category-mount")),
    ];
    if (aliases.length > 0) out.aliases = aliases;
    for (const p of cat.problems) out.problems.push(problemRow(p));
  } catch (err) {
    out.problems.push(parseFailure(err, "E_CATEGORY_FILE", out.rel));
  }
}

/** A parser's error as a problem row: its own when it is a QuireError, else `code` with its message. */
function parseFailure(err: unknown, code: QuireError["code"], rel: string): ProblemRow {
  if (isQuireError(err)) return problemRow(err);
  return problemRow(
    new QuireError(code, `could not be parsed: ${(err as Error).message}`, {
      file: `content/${rel}`,
      cause: err,
    }),
  );
}

function problemRow(p: QuireError): ProblemRow {
  return [p.code, p.message, p.line ?? null, p.field ?? null];
}

/**
 * The key of a tag, as Publ normalises it: case-folded, and punctuation and spaces made one `-`, so
 * `Road Trips`, `road trips` and `road-trips` are one tag, `?tag=cats` finds `cats!!!`, and `ßlig` is `sslig`.
 * A tag made only of punctuation keeps it (its key would otherwise be empty).
 */
export function tagKey(tag: string): string {
  // toLowerCase is the en-US lowercasing (only Turkish, Azeri and Lithuanian differ), without ICU's cost;
  // ß and ẞ fold to "ss" as in Python's casefold.
  const folded = tag.trim().normalize("NFC").toLowerCase().replace(/[ßẞ]/g, "ss");
  return publSlug(folded) || folded.replace(/\s+/g, " ");
}

/** One `aliases` row after `file`: [request path, kind, template or null]. */
export type AliasRow = [path: string, kind: AliasKind, template: string | null];

/** `alias` and `category` redirect; `mount`, `category-mount` and `canonical` serve at the path. */
export type AliasKind = "alias" | "mount" | "canonical" | "category" | "category-mount";

/**
 * A `Path-Alias`/`Path-Mount` value as Publ reads it: a path, then optionally a template name after a space
 * (`/old.php archive`). The path may be percent-encoded (`/with%20space`); it is stored decoded, as requests
 * are looked up decoded.
 */
export function aliasRow(value: string, kind: AliasKind, withTemplate = true): AliasRow {
  const trimmed = value.trim();
  const split = withTemplate ? /^(\S+)\s+(\S+)$/.exec(trimmed) : null;
  const path = split ? split[1]! : trimmed;
  return [normaliseAlias(decodePercent(path)), kind, split ? split[2]! : null];
}

function decodePercent(path: string): string {
  // Decoded piece by piece: a stray `%` (`/with%percents`) stays as it is.
  return path.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** An alias path as a request path: leading slash, no trailing slash (except `/`). */
export function normaliseAlias(path: string): string {
  let p = path.trim();
  if (/^[a-z]+:\/\//i.test(p)) {
    try {
      p = new URL(p).pathname;
    } catch {
      // keep as written; it will simply never match a request
    }
  }
  if (!p.startsWith("/")) p = `/${p}`;
  if (p.length > 1) p = p.replace(/\/+$/, "");
  return p;
}
