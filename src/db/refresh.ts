/** Brings the index in step with content/: reads only files whose size or mtime changed, re-parses only changed bytes, prunes deleted files. */
import { createHash } from "node:crypto";
import { openSync, readSync, closeSync, fstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { QuireError, isQuireError } from "../errors.js";
import { scanContent, type ScannedFile } from "../content/scanner.js";
import { parseEntry, MAX_ENTRY_BYTES } from "../content/parse-entry.js";
import { parseCategoryFile } from "../content/category-file.js";
import type { EntryRecord } from "../content/entry-record.js";
import { assignIds } from "../content/entry-id.js";
import { entrySlug } from "../content/slug.js";
import { writeBack } from "../content/write-back.js";
import { formatDate } from "../content/dates.js";
import { getMeta, setMeta, type Db } from "./open-index.js";

export interface RefreshOptions {
  db: Db;
  contentDir: string;
  timeZone: string;
  /** Stamp missing Entry-ID, UUID and Date into entry files (never drafts). */
  writeBack?: boolean;
  /** With `writeBack`: stamp only these files (relative to content/), e.g. the ones staged in git. */
  writeBackOnly?: ReadonlySet<string>;
}

/** What a refresh did, for the CLI summary and the watcher's log line. */
export interface RefreshSummary {
  entries: number;
  categories: number;
  files: number;
  added: number;
  updated: number;
  removed: number;
  /** Files read but byte-identical to what was indexed (only their mtime changed). */
  touched: number;
  problems: QuireError[];
  generation: string;
  /** True when indexed content changed (the generation moved). */
  changed: boolean;
  /** Files that write-back stamped, relative to content/. */
  written: string[];
  ms: number;
}

interface FileRow {
  path: string;
  size: number;
  mtime_ms: number;
  hash: string;
}

/** Refreshes the index from the files under contentDir; never throws for a bad file. */
export function refreshIndex(options: RefreshOptions): RefreshSummary {
  const started = performance.now();
  const { db, contentDir, timeZone } = options;
  const scan = scanContent(contentDir);
  const known = new Map<string, FileRow>();
  for (const row of db
    .prepare("SELECT path, size, mtime_ms, hash FROM files")
    .iterate() as IterableIterator<FileRow>) {
    known.set(row.path, row);
  }
  const st = statements(db);
  let added = 0;
  let updated = 0;
  let touched = 0;
  let removed = 0;
  const seen = new Set<string>();

  db.transaction(() => {
    for (const file of scan.files) {
      seen.add(file.rel);
      const row = known.get(file.rel);
      if (row && row.size === file.size && row.mtime_ms === file.mtimeMs) continue;
      const read = readContentFile(file);
      if (read.gone) {
        seen.delete(file.rel);
        continue;
      }
      if (row && row.hash === read.hash) {
        st.touchFile.run(file.size, file.mtimeMs, file.rel);
        touched++;
        continue;
      }
      // An unreadable file is fingerprinted with mtime -1 so the next refresh tries it again (chmod keeps mtime).
      st.upsertFile.run(file.rel, file.kind, file.size, read.retry ? -1 : file.mtimeMs, read.hash);
      clearFile(st, file.rel);
      if (read.problem) st.addProblem.run(...problemRow(file.rel, read.problem, "file"));
      else if (file.kind === "entry") indexEntry(st, file, read.bytes!, timeZone);
      else if (file.kind === "category") indexCategory(st, file, read.bytes!);
      if (row) updated++;
      else added++;
    }
    for (const path of known.keys()) {
      if (seen.has(path)) continue;
      st.deleteFile.run(path);
      clearFile(st, path);
      removed++;
    }
    if (added + updated + removed > 0 || getMeta(db, "generation") === undefined) assignAllIds(db, st);
    st.deleteProblems.run("scan");
    for (const p of scan.problems)
      st.addProblem.run(...problemRow(p.file?.replace(/^content\//, "") ?? "", p, "scan"));
  })();

  const written = options.writeBack
    ? stampMissingHeaders(db, contentDir, timeZone, st, options.writeBackOnly)
    : [];
  if (written.length > 0) {
    // The stamped files now have new bytes: index them as they are on disk.
    const again = refreshIndex({ ...options, writeBack: false });
    return {
      ...again,
      added,
      updated: updated + again.updated,
      removed,
      written,
      ms: Math.round(performance.now() - started),
    };
  }
  const previous = getMeta(db, "generation");
  // Only added, changed or removed files can move the generation (a touched file has the same bytes).
  const generation =
    previous !== undefined && added + updated + removed === 0 ? previous : computeGeneration(db);
  if (generation !== previous) setMeta(db, "generation", generation);
  const counts = db
    .prepare(
      "SELECT (SELECT count(*) FROM entries) AS entries, (SELECT count(DISTINCT category) FROM entries) AS categories, (SELECT count(*) FROM files) AS files",
    )
    .get() as { entries: number; categories: number; files: number };
  return {
    ...counts,
    added,
    updated,
    removed,
    touched,
    problems: loadProblems(db),
    generation,
    changed: generation !== previous,
    written,
    ms: Math.round(performance.now() - started),
  };
}

type Statements = ReturnType<typeof statements>;

function statements(db: Db) {
  return {
    upsertFile: db.prepare(
      "INSERT INTO files (path, kind, size, mtime_ms, hash) VALUES (?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash",
    ),
    touchFile: db.prepare("UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?"),
    deleteFile: db.prepare("DELETE FROM files WHERE path = ?"),
    deleteEntry: db.prepare("DELETE FROM entries WHERE file = ?"),
    deleteTags: db.prepare("DELETE FROM entry_tags WHERE file = ?"),
    deleteAliases: db.prepare("DELETE FROM aliases WHERE file = ?"),
    deleteCategoryFile: db.prepare("DELETE FROM category_files WHERE file = ?"),
    deleteFileProblems: db.prepare("DELETE FROM problems WHERE file = ? AND scope = 'file'"),
    deleteProblems: db.prepare("DELETE FROM problems WHERE scope = ?"),
    insertEntry:
      db.prepare(`INSERT INTO entries (file, explicit_id, explicit_uuid, title, sort_title, slug, date, date_explicit,
      last_modified, category, status, format, entry_type, entry_template, redirect_to, path_canonical, summary, has_more, headers_json)
      VALUES (@file, @explicit_id, @explicit_uuid, @title, @sort_title, @slug, @date, @date_explicit, @last_modified, @category,
      @status, @format, @entry_type, @entry_template, @redirect_to, @path_canonical, @summary, @has_more, @headers_json)`),
    insertTag: db.prepare(
      "INSERT INTO entry_tags (file, tag_key, tag_name, hidden) VALUES (?, ?, ?, ?) ON CONFLICT(file, tag_key) DO UPDATE SET hidden = min(hidden, excluded.hidden)",
    ),
    insertAlias: db.prepare("INSERT OR IGNORE INTO aliases (path, file, kind) VALUES (?, ?, ?)"),
    insertCategoryFile:
      db.prepare(`INSERT INTO category_files (file, category, name, sort_name, index_template, entry_template,
      description, headers_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    addProblem: db.prepare(
      "INSERT INTO problems (file, code, message, line, field, scope) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    setIds: db.prepare("UPDATE entries SET id = ?, uuid = ?, id_derived = ? WHERE file = ?"),
  };
}

function clearFile(st: Statements, path: string): void {
  st.deleteEntry.run(path);
  st.deleteTags.run(path);
  st.deleteAliases.run(path);
  st.deleteCategoryFile.run(path);
  st.deleteFileProblems.run(path);
}

interface ReadResult {
  bytes?: Buffer;
  hash: string;
  problem?: QuireError;
  gone?: boolean;
  retry?: boolean;
}

/** Reads a file once; an over-large entry is fingerprinted by size and mtime and reported, never read whole. */
function readContentFile(file: ScannedFile): ReadResult {
  let fd: number | undefined;
  try {
    fd = openSync(file.abs, "r");
    const size = fstatSync(fd).size;
    if (file.kind !== "asset" && size > MAX_ENTRY_BYTES) {
      return {
        hash: `large:${size}:${file.mtimeMs}`,
        problem: new QuireError(
          "E_ENTRY_TOO_LARGE",
          `is ${(size / 1048576).toFixed(1)} MB; entry files may be at most ${MAX_ENTRY_BYTES / 1048576} MB (skipped)`,
          { file: `content/${file.rel}` },
        ),
      };
    }
    const bytes = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, bytes, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    const data = off === size ? bytes : bytes.subarray(0, off);
    return { bytes: data, hash: createHash("sha1").update(data).digest("base64url") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { hash: "", gone: true };
    return {
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

function indexEntry(st: Statements, file: ScannedFile, bytes: Buffer, timeZone: string): void {
  let record: EntryRecord;
  let problems: QuireError[];
  try {
    ({ record, problems } = parseEntry(bytes, { file: file.rel, category: folderOf(file.rel), timeZone }));
  } catch (err) {
    const problem = isQuireError(err)
      ? err
      : new QuireError("E_ENTRY_READ", `could not be parsed: ${(err as Error).message}`, {
          file: `content/${file.rel}`,
          cause: err,
        });
    st.addProblem.run(...problemRow(file.rel, problem, "file"));
    return;
  }
  for (const p of problems) st.addProblem.run(...problemRow(file.rel, p, "file"));
  st.insertEntry.run({
    file: file.rel,
    explicit_id: record.entryId,
    explicit_uuid: record.uuid,
    title: record.title,
    sort_title: record.sortTitle,
    slug: entrySlug(record),
    date: record.date ?? Math.round(file.mtimeMs),
    date_explicit: record.date === null ? 0 : 1,
    last_modified: record.lastModified,
    category: record.category,
    status: record.status,
    format: record.format,
    entry_type: record.entryType,
    entry_template: record.entryTemplate,
    redirect_to: record.redirectTo,
    path_canonical: record.pathCanonical,
    summary: record.summary,
    has_more: record.more === null ? 0 : 1,
    headers_json: JSON.stringify(record.headers.map((h) => [h.name, h.value])),
  });
  for (const tag of record.tags) st.insertTag.run(file.rel, tagKey(tag), tag.trim(), 0);
  for (const tag of record.hiddenTags) st.insertTag.run(file.rel, tagKey(tag), tag.trim(), 1);
  for (const alias of record.pathAliases) st.insertAlias.run(normaliseAlias(alias), file.rel, "alias");
  for (const mount of record.pathMounts) st.insertAlias.run(normaliseAlias(mount), file.rel, "mount");
}

function indexCategory(st: Statements, file: ScannedFile, bytes: Buffer): void {
  try {
    const cat = parseCategoryFile(bytes, { file: file.rel });
    st.insertCategoryFile.run(
      file.rel,
      cat.path,
      cat.name,
      cat.sortName,
      cat.indexTemplate,
      cat.entryTemplate,
      cat.description,
      JSON.stringify(cat.headers.map((h) => [h.name, h.value])),
    );
    for (const alias of cat.pathAliases) st.insertAlias.run(normaliseAlias(alias), file.rel, "category");
    for (const p of cat.problems) st.addProblem.run(...problemRow(file.rel, p, "file"));
  } catch (err) {
    const problem = isQuireError(err)
      ? err
      : new QuireError("E_CATEGORY_FILE", `could not be parsed: ${(err as Error).message}`, {
          file: `content/${file.rel}`,
          cause: err,
        });
    st.addProblem.run(...problemRow(file.rel, problem, "file"));
  }
}

/** The case-folded key of a tag: `Road Trips` and `road trips` are one tag. */
export function tagKey(tag: string): string {
  return tag.trim().normalize("NFC").toLocaleLowerCase("en-US").replace(/\s+/g, " ");
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

function assignAllIds(db: Db, st: Statements): void {
  const rows = db.prepare("SELECT file, explicit_id, explicit_uuid FROM entries").all() as {
    file: string;
    explicit_id: number | null;
    explicit_uuid: string | null;
  }[];
  const { ids, problems } = assignIds(
    rows.map((r) => ({ file: r.file, entryId: r.explicit_id, uuid: r.explicit_uuid })),
  );
  for (const [file, a] of ids) st.setIds.run(a.id, a.uuid, a.derived ? 1 : 0, file);
  st.deleteProblems.run("site");
  for (const p of problems)
    st.addProblem.run(...problemRow(p.file?.replace(/^content\//, "") ?? "", p, "site"));
}

/** Adds Entry-ID, UUID and Date where an entry lacks them, with the values the index already uses. */
function stampMissingHeaders(
  db: Db,
  contentDir: string,
  timeZone: string,
  st: Statements,
  only?: ReadonlySet<string>,
): string[] {
  const rows = db
    .prepare(
      `SELECT e.file, e.id, e.uuid, e.explicit_id, e.explicit_uuid, e.date, e.date_explicit, f.hash FROM entries e
       JOIN files f ON f.path = e.file
       WHERE e.status != 'DRAFT' AND (e.explicit_id IS NULL OR e.explicit_uuid IS NULL OR e.date_explicit = 0)
         AND NOT EXISTS (SELECT 1 FROM problems p WHERE p.file = e.file)`,
    )
    .all() as {
    file: string;
    id: number;
    uuid: string;
    explicit_id: number | null;
    explicit_uuid: string | null;
    date: number;
    date_explicit: number;
    hash: string;
  }[];
  const written: string[] = [];
  for (const row of rows) {
    if (only && !only.has(row.file)) continue;
    const abs = join(contentDir, row.file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch {
      continue;
    }
    if (createHash("sha1").update(bytes).digest("base64url") !== row.hash) continue;
    try {
      const { record } = parseEntry(bytes, { file: row.file, category: folderOf(row.file), timeZone });
      if (record.status === "DRAFT") continue;
      // Only add what the file lacks entirely: a header that is present but wrong is the author's to fix.
      const has = (key: string) =>
        record.headers.some((h) => h.key === key || (key === "entry-id" && h.key === "id"));
      const result = writeBack(abs, bytes, record.headerStyle, {
        ...(row.explicit_id === null && !has("entry-id") ? { entryId: row.id } : {}),
        ...(row.explicit_uuid === null && !has("uuid") ? { uuid: row.uuid } : {}),
        ...(row.date_explicit === 0 && !has("date") ? { date: formatDate(row.date, timeZone) } : {}),
      });
      if (result === "written") written.push(row.file);
    } catch (err) {
      const problem = isQuireError(err)
        ? new QuireError(err.code, err.message, { file: `content/${row.file}`, cause: err })
        : new QuireError("E_WRITE_BACK", (err as Error).message, { file: `content/${row.file}`, cause: err });
      st.addProblem.run(...problemRow(row.file, problem, "file"));
    }
  }
  return written;
}

function problemRow(
  rel: string,
  p: QuireError,
  scope: string,
): [string, string, string, number | null, string | null, string] {
  return [rel, p.code, p.message, p.line ?? null, p.field ?? null, scope];
}

/** Every problem recorded in the index, as QuireErrors naming `content/<file>`. */
export function loadProblems(db: Db): QuireError[] {
  const rows = db
    .prepare("SELECT file, code, message, line, field FROM problems ORDER BY file, line")
    .all() as {
    file: string;
    code: string;
    message: string;
    line: number | null;
    field: string | null;
  }[];
  return rows.map(
    (r) =>
      new QuireError(r.code as QuireError["code"], r.message, {
        file: `content/${r.file}`,
        ...(r.line === null ? {} : { line: r.line }),
        ...(r.field === null ? {} : { field: r.field }),
      }),
  );
}

/** A fingerprint of the indexed bytes: the same for the same files whatever their mtimes, different after any change. */
export function computeGeneration(db: Db): string {
  const h = createHash("sha256");
  for (const row of db
    .prepare("SELECT path, hash FROM files ORDER BY path")
    .raw()
    .iterate() as IterableIterator<[string, string]>) {
    h.update(row[0]).update("\0").update(row[1]).update("\n");
  }
  return h.digest("base64url").slice(0, 16);
}
