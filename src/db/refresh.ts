/** Brings the index in step with content/: reads only files whose size or mtime changed, re-parses only changed bytes, prunes deleted files. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { QuireError, isQuireError } from "../errors.js";
import { scanContent, type ScannedFile } from "../content/scanner.js";
import { parseEntry } from "../content/parse-entry.js";
import { assignIds } from "../content/entry-id.js";
import { claimOrder } from "../content/claim-order.js";
import { writeBack } from "../content/write-back.js";
import { formatDate } from "../content/dates.js";
import { getMeta, setMeta, type Db } from "./open-index.js";
import { SCHEMA_SQL } from "./schema.js";
import { referencedAssets } from "../content/asset-refs.js";
import { isRestricted } from "../auth/access-rule.js";
import type { SlugStyle } from "../content/slug.js";
import { applyIndexSettings, INDEX_SETTINGS_KEY } from "./index-settings.js";
import {
  ENTRY_INSERT_COLUMNS,
  contentHash,
  folderOf,
  prepareFile,
  type PreparedFile,
} from "./prepare-file.js";

export { folderOf, tagKey, normaliseAlias } from "./prepare-file.js";

export interface RefreshOptions {
  db: Db;
  contentDir: string;
  timeZone: string;
  /** How entry slugs are written (`[content] slug_style`); default `publ`. */
  slugStyle?: SlugStyle;
  /** Stamp missing Entry-ID, UUID and Date into entry files (never drafts). */
  writeBack?: boolean;
  /** With `writeBack`: stamp only these files (relative to content/), e.g. the ones staged in git. */
  writeBackOnly?: ReadonlySet<string>;
  /**
   * Called with each entry written, a copy of its bytes included: a first index's search tables are filled
   * from them on another thread, instead of reading every file again (see src/search/search-build.ts).
   */
  onEntry?: (file: PreparedFile) => void;
  /** Called once content/ is scanned, with how many entry files it holds, before any is read. */
  onScan?: (entryFiles: number) => void;
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
  const slugStyle = options.slugStyle ?? "publ";
  // Dates and slugs depend on these settings: an index made under others is emptied and built again.
  const settings = applyIndexSettings(db, { timeZone, slugStyle });
  const known = new Map<string, FileRow>();
  for (const row of db
    .prepare("SELECT path, size, mtime_ms, hash FROM files")
    .iterate() as IterableIterator<FileRow>) {
    known.set(row.path, row);
  }
  // A first index reads every file, so it need not stat them first, nor clear rows that cannot exist.
  const fresh = known.size === 0;
  const scan = scanContent(contentDir, { stat: !fresh });
  if (options.onScan) options.onScan(scan.files.filter((f) => f.kind === "entry").length);
  const st = statements(db);
  let added = 0;
  let updated = 0;
  let touched = 0;
  let removed = 0;
  const seen = new Set<string>();
  const todo: ScannedFile[] = [];
  for (const file of scan.files) {
    seen.add(file.rel);
    const row = known.get(file.rel);
    if (row && row.size === file.size && row.mtime_ms === file.mtimeMs) continue;
    todo.push(file);
  }
  // Which files entries refer to matters only once some entry is private (a file only private entries use is
  // served only to their readers): until then only private entries' references are read, and the first
  // refresh that finds a private entry reads every entry's (see indexAllAssetRefs).
  const allAssetRefs = getMeta(db, ASSET_REFS_KEY) === "1";
  const derived = new Map<string, { id?: number; uuid?: string }>();
  // The IDs that changed files held before they were read again: a copy never takes them from the original.
  const prior = new Map<string, PriorIds>();
  // Into an empty index, the entries rows are exactly what this refresh inserts: kept here, ID assignment
  // need not read them back.
  const inserted: IdRow[] | undefined = fresh ? [] : undefined;
  // Likewise its files rows, in path order, for the generation.
  const fingerprints: [string, string][] | undefined = fresh ? [] : undefined;

  db.transaction(() => {
    const bulk = fresh && todo.length >= BULK_MIN_FILES;
    // Into an empty index, rows go in faster without the secondary indexes, which are built once at the end.
    if (bulk) for (const name of SECONDARY_INDEXES.keys()) db.exec(`DROP INDEX IF EXISTS ${name}`);
    // Each file is written as soon as it is read, so its text is garbage before the next one is read.
    for (const scanned of todo) {
      const file = prepareFile(scanned, timeZone, slugStyle, {
        bytes: options.onEntry !== undefined,
        assets: allAssetRefs ? "all" : "restricted",
      });
      const row = known.get(file.rel);
      if (file.gone) {
        seen.delete(file.rel);
        continue;
      }
      if (row && row.hash === file.hash) {
        st.touchFile.run(file.size, file.mtimeMs, file.rel);
        touched++;
        continue;
      }
      // An unreadable file is fingerprinted with mtime -1 so the next refresh tries it again (chmod keeps mtime).
      st.upsertFile.run(file.rel, file.kind, file.size, file.retry ? -1 : file.mtimeMs, file.hash);
      fingerprints?.push([file.rel, file.hash]);
      if (row) {
        const held = st.priorIds.get(file.rel) as PriorIds | undefined;
        if (held) prior.set(file.rel, held);
        clearFile(st, file.rel);
      }
      writePrepared(st, file, inserted);
      if (file.entry) options.onEntry?.(file);
      if (file.entry) derived.set(file.rel, { id: file.derivedId, uuid: file.derivedUuid });
      if (row) updated++;
      else added++;
    }
    for (const path of known.keys()) {
      if (seen.has(path)) continue;
      st.deleteFile.run(path);
      clearFile(st, path);
      removed++;
    }
    if (!allAssetRefs && hasPrivateEntry(db)) {
      indexAllAssetRefs(db, st, contentDir);
      setMeta(db, ASSET_REFS_KEY, "1");
    }
    if (bulk) for (const sql of SECONDARY_INDEXES.values()) db.exec(sql);
    if (added + updated + removed > 0 || getMeta(db, "generation") === undefined)
      assignAllIds(db, st, contentDir, derived, prior, inserted);
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
    previous !== undefined && added + updated + removed === 0
      ? previous
      : fingerprints && inPathOrder(fingerprints)
        ? generationOf(fingerprints, settings)
        : computeGeneration(db);
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

/** Set in the index's meta once `entry_assets` holds the references of every entry, not only private ones. */
const ASSET_REFS_KEY = "asset_refs_all";

function hasPrivateEntry(db: Db): boolean {
  const rules = db
    .prepare("SELECT DISTINCT auth FROM entries WHERE auth IS NOT NULL")
    .pluck()
    .all() as string[];
  return rules.some((rule) => isRestricted(rule));
}

/**
 * The files every indexed entry refers to, read from the entry files again: done once, by the refresh that
 * finds the site's first private entry, so that a file a public entry also uses stays public.
 */
function indexAllAssetRefs(db: Db, st: Statements, contentDir: string): void {
  db.exec("DELETE FROM entry_assets");
  const entries = db.prepare("SELECT file, category FROM entries").all() as {
    file: string;
    category: string;
  }[];
  for (const { file, category } of entries) {
    let text: string;
    try {
      text = readFileSync(join(contentDir, file), "utf8");
    } catch {
      // Gone since it was indexed: the refresh that notices removes its rows.
      continue;
    }
    for (const asset of referencedAssets(file, category, text)) st.insertAsset.run(asset, file);
  }
}

/** A first index of at least this many files builds the secondary indexes after the rows are in. */
const BULK_MIN_FILES = 500;

/** The schema's secondary indexes by name, with the SQL that creates each. */
const SECONDARY_INDEXES = new Map(
  [...SCHEMA_SQL.matchAll(/^CREATE INDEX (\w+) ON [^;]+;/gm)].map((m) => [m[1]!, m[0]] as const),
);

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
    deleteAssets: db.prepare("DELETE FROM entry_assets WHERE file = ?"),
    deleteAttach: db.prepare("DELETE FROM entry_attach WHERE file = ?"),
    deleteCategoryFile: db.prepare("DELETE FROM category_files WHERE file = ?"),
    deleteFileProblems: db.prepare("DELETE FROM problems WHERE file = ? AND scope = 'file'"),
    deleteProblems: db.prepare("DELETE FROM problems WHERE scope = ?"),
    insertEntry: db.prepare(
      `INSERT INTO entries (${ENTRY_INSERT_COLUMNS.join(", ")}) VALUES (${ENTRY_INSERT_COLUMNS.map(() => "?").join(", ")})`,
    ),
    insertTag: db.prepare(
      "INSERT INTO entry_tags (file, tag_key, tag_name, hidden) VALUES (?, ?, ?, ?) ON CONFLICT(file, tag_key) DO UPDATE SET hidden = min(hidden, excluded.hidden)",
    ),
    insertAsset: db.prepare("INSERT OR IGNORE INTO entry_assets (asset, file) VALUES (?, ?)"),
    insertAttach: db.prepare("INSERT INTO entry_attach (file, target_file, target_id) VALUES (?, ?, ?)"),
    insertAlias: db.prepare("INSERT OR IGNORE INTO aliases (path, file, kind, template) VALUES (?, ?, ?, ?)"),
    insertCategoryFile:
      db.prepare(`INSERT INTO category_files (file, category, name, sort_name, index_template, entry_template,
      description, headers_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    addProblem: db.prepare(
      "INSERT INTO problems (file, code, message, line, field, scope) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    priorIds: db.prepare("SELECT id, uuid, id_derived FROM entries WHERE file = ?"),
    setIds: db.prepare("UPDATE entries SET id = ?, uuid = ?, id_derived = ? WHERE file = ?"),
  };
}

function clearFile(st: Statements, path: string): void {
  st.deleteEntry.run(path);
  st.deleteTags.run(path);
  st.deleteAliases.run(path);
  st.deleteAssets.run(path);
  st.deleteAttach.run(path);
  st.deleteCategoryFile.run(path);
  st.deleteFileProblems.run(path);
}

/** Inserts a prepared file's rows; an entry gets its candidate ID, which `assignAllIds` corrects if another claims it. */
function writePrepared(st: Statements, file: PreparedFile, inserted?: IdRow[]): void {
  const rel = file.rel;
  for (const [code, message, line, field] of file.problems)
    st.addProblem.run(rel, code, message, line, field, "file");
  if (file.entry) {
    const [explicitId, explicitUuid] = file.entry;
    const id = explicitId ?? file.derivedId ?? 0;
    const uuid = explicitUuid ?? file.derivedUuid ?? "";
    const idDerived = explicitId === null ? 1 : 0;
    st.insertEntry.run(rel, id, uuid, idDerived, ...file.entry);
    inserted?.push({
      file: rel,
      explicit_id: explicitId,
      explicit_uuid: explicitUuid,
      id,
      uuid,
      id_derived: idDerived,
    });
  }
  if (file.tags) for (const [key, name, hidden] of file.tags) st.insertTag.run(rel, key, name, hidden);
  if (file.category) st.insertCategoryFile.run(rel, ...file.category);
  if (file.assets) for (const asset of file.assets) st.insertAsset.run(asset, rel);
  if (file.aliases)
    for (const [path, kind, template] of file.aliases) st.insertAlias.run(path, rel, kind, template);
  if (file.attach) for (const [target, id] of file.attach) st.insertAttach.run(rel, target, id);
}

/** The IDs an entry held in the index. */
type PriorIds = Pick<IdRow, "id" | "uuid" | "id_derived">;

/** The ID columns of an `entries` row. */
interface IdRow {
  file: string;
  explicit_id: number | null;
  explicit_uuid: string | null;
  id: number;
  uuid: string;
  id_derived: number;
}

/**
 * Settles every entry's ID and UUID across the site and writes those that differ from what the rows hold.
 * `derived` has the path-derived candidates already computed for the files just prepared; `entryRows`, when
 * given, are all the rows of `entries` (as a first index inserted them).
 */
function assignAllIds(
  db: Db,
  st: Statements,
  contentDir: string,
  derived: ReadonlyMap<string, { id?: number; uuid?: string }>,
  prior: ReadonlyMap<string, PriorIds>,
  entryRows?: readonly IdRow[],
): void {
  const rows =
    entryRows ??
    (db
      .prepare("SELECT file, explicit_id, explicit_uuid, id, uuid, id_derived FROM entries")
      .all() as IdRow[]);
  const byFile = new Map(rows.map((r) => [r.file, r] as const));
  // Rows of files read in this refresh hold their candidate IDs; the others hold what they were assigned.
  const before = (file: string): PriorIds | undefined =>
    prior.get(file) ?? (derived.has(file) ? undefined : byFile.get(file));
  const order = claimOrder({
    contentDir,
    heldBefore: (file, field) => {
      const held = before(file);
      const row = byFile.get(file);
      if (!held || !row) return false;
      return field === "Entry-ID"
        ? held.id_derived === 0 && held.id === row.explicit_id
        : held.uuid === row.explicit_uuid?.toLowerCase();
    },
  });
  const { ids, problems } = assignIds(
    rows.map((r) => {
      const d = derived.get(r.file);
      return {
        file: r.file,
        entryId: r.explicit_id,
        uuid: r.explicit_uuid,
        ...(d?.id === undefined ? {} : { derivedId: d.id }),
        ...(d?.uuid === undefined ? {} : { derivedUuid: d.uuid }),
      };
    }),
    order,
  );
  for (const r of rows) {
    const a = ids.get(r.file);
    if (!a) continue;
    const derivedFlag = a.derived ? 1 : 0;
    if (a.id !== r.id || a.uuid !== r.uuid || derivedFlag !== r.id_derived)
      st.setIds.run(a.id, a.uuid, derivedFlag, r.file);
  }
  st.deleteProblems.run("site");
  for (const p of problems)
    st.addProblem.run(...problemRow(p.file?.replace(/^content\//, "") ?? "", p, "site"));
}

/**
 * Adds Entry-ID, UUID and Date where an entry lacks them, with the values the index already uses, and writes
 * a fresh Entry-ID and UUID into a copy whose headers claim an original's (the index already gave it them).
 */
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
       WHERE e.status != 'DRAFT'
         AND (e.explicit_id IS NULL OR e.explicit_uuid IS NULL OR e.date_explicit = 0
           OR e.id != e.explicit_id OR e.uuid != lower(e.explicit_uuid))
         AND NOT EXISTS (SELECT 1 FROM problems p WHERE p.file = e.file AND p.scope = 'file')`,
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
    if (contentHash(bytes) !== row.hash) continue;
    try {
      const { record } = parseEntry(bytes, { file: row.file, category: folderOf(row.file), timeZone });
      if (record.status === "DRAFT") continue;
      // Only add what the file lacks entirely: a header that is present but wrong is the author's to fix.
      const header = (key: string) =>
        record.headers.find((h) => h.key === key || (key === "entry-id" && h.key === "id"));
      const replace: { line: number; value: string }[] = [];
      // A copy of another entry: its Entry-ID and UUID headers are the original's, and the index gave it
      // fresh ones; write those in, so the copy has its own permalink from now on.
      const idHeader = header("entry-id");
      if (row.explicit_id !== null && row.id !== row.explicit_id && idHeader?.line !== undefined)
        replace.push({ line: idHeader.line, value: String(row.id) });
      const uuidHeader = header("uuid");
      if (
        row.explicit_uuid !== null &&
        row.uuid !== row.explicit_uuid.toLowerCase() &&
        uuidHeader?.line !== undefined
      )
        replace.push({ line: uuidHeader.line, value: row.uuid });
      const result = writeBack(abs, bytes, record.headerStyle, {
        ...(row.explicit_id === null && !header("entry-id") ? { entryId: row.id } : {}),
        ...(row.explicit_uuid === null && !header("uuid") ? { uuid: row.uuid } : {}),
        ...(row.date_explicit === 0 && !header("date") ? { date: formatDate(row.date, timeZone) } : {}),
        ...(replace.length > 0 ? { replace } : {}),
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
  return generationOf(
    db.prepare("SELECT path, hash FROM files ORDER BY path").raw().iterate() as IterableIterator<
      [string, string]
    >,
    getMeta(db, INDEX_SETTINGS_KEY) ?? "",
  );
}

/** The generation of these files rows, which must come in SQLite's path order (UTF-8 bytes). */
function generationOf(rows: Iterable<[path: string, hash: string]>, settings: string): string {
  const h = createHash("sha256");
  // The same files indexed under another time zone or slug style make other pages.
  h.update(settings).update("\n");
  for (const [path, hash] of rows) h.update(path).update("\0").update(hash).update("\n");
  return h.digest("base64url").slice(0, 16);
}

/**
 * Whether paths listed in code-unit order (the scan's) are in SQLite's order too: they are unless one has
 * a character at U+D800 or above, where UTF-16 and UTF-8 order part ways.
 */
function inPathOrder(rows: readonly [string, string][]): boolean {
  return rows.every(([path]) => !/[\ud800-\uffff]/.test(path));
}
