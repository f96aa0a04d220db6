/** The SQL of views: the WHERE clauses a spec implies, sort keys and key comparisons for anchored pages, and
 *  a cache of prepared statements keyed by SQL text (views run on every page, so nothing is prepared twice). */
import type Database from "better-sqlite3";
import type { Db } from "../db/open-index.js";
import { categorySql, categoryParams, listedSql, toEntry, type IndexedEntry } from "../db/content-index.js";
import { tagKey } from "../db/refresh.js";
import { readableSql, readerParam, unreadableSql } from "../db/readable-sql.js";
import { ANONYMOUS_ACCESS, type ReaderAccess } from "../auth/access-rule.js";
import { QuireError } from "../errors.js";
import { attachedToSql, attachmentOfSql, hasAttachmentsSql, isAttachedSql } from "../db/attachments.js";
import type { ViewOrder, ViewSpec } from "./view-spec.js";

/** Which statuses a query lists: listed now, listed now or later (`future`), tombstones, or what an entry's
 *  attachments show (`attachment`: also HIDDEN and ATTACHMENT entries, never drafts or future ones). */
export type StatusMode = "listed" | "future" | "deleted" | "attachment";

/** An entry's position in a display order: (local date or sort title, id), as Publ orders by `local_date`. */
export interface SortKey {
  k: number | string;
  id: number;
}

/** Where a comparison puts rows relative to a key, in display order. */
export type Relation = "atOrAfter" | "after" | "before";

export const ENTRY_COLUMNS = `e.id, e.file, e.uuid, e.title, e.sort_title, e.slug, e.date, e.date_explicit, e.date_zone, e.local_date, e.last_modified,
  e.category, e.status, e.format, e.entry_type, e.entry_template, e.redirect_to, e.path_canonical, e.summary, e.auth,
  e.has_more, e.headers_json`;

/** A WHERE clause under construction: SQL fragments ANDed together and the named parameters they bind. */
export class Where {
  readonly clauses: string[] = [];
  readonly params: Record<string, unknown> = {};
  private counter = 0;

  /** Binds a value to a fresh parameter and returns its SQL name. */
  bind(value: unknown): string {
    const name = `p${this.counter++}`;
    this.params[name] = value;
    return `@${name}`;
  }

  add(sql: string, params: Record<string, unknown> = {}): this {
    this.clauses.push(sql);
    Object.assign(this.params, params);
    return this;
  }

  get sql(): string {
    return this.clauses.length === 0 ? "1" : this.clauses.join(" AND ");
  }
}

// The unary `+` keeps SQLite off any index on status, so listings walk a date-ordered index (see listedSql).
const STATUS_SQL: Record<StatusMode, string> = {
  listed: listedSql("e"),
  future: "+e.status IN ('PUBLISHED', 'SCHEDULED')",
  deleted: "+e.status IN ('GONE', 'DELETED')",
  attachment: `(+e.status IN ('PUBLISHED', 'HIDDEN', 'UNLISTED', 'ATTACHMENT') OR (+e.status = 'SCHEDULED' AND e.date <= @now))`,
};

/**
 * The filters of a spec (status, category, entry types, tags, Publ's entry bounds), without paging, keeping
 * only entries the reader may read (tombstones too: a deleted private entry is nobody else's business).
 */
export function filterWhere(
  index: { entryById(id: number): IndexedEntry | null },
  spec: ViewSpec,
  now: number,
  mode: StatusMode,
  reader: ReaderAccess = ANONYMOUS_ACCESS,
  /** Instead keep only the entries this reader may NOT read (Publ's `view.unauthorized`). */
  refused = false,
): Where {
  const w = new Where();
  w.add(STATUS_SQL[mode], mode === "listed" || mode === "attachment" ? { now } : {});
  w.add(refused ? unreadableSql("e") : readableSql("e"), { reader: readerParam(reader) });
  w.add(
    categorySql("e", spec.recurse, spec.category),
    spec.recurse ? categoryParams(spec.category) : { category: spec.category },
  );
  if (spec.entryType !== null) w.add(`e.entry_type IN (${spec.entryType.map((t) => w.bind(t)).join(", ")})`);
  if (spec.entryTypeNot !== null && spec.entryTypeNot.length > 0) {
    w.add(
      `(e.entry_type IS NULL OR e.entry_type NOT IN (${spec.entryTypeNot.map((t) => w.bind(t)).join(", ")}))`,
    );
  }
  addTagFilter(w, spec);
  const bounds: [number | null, string, "first" | "last" | "before" | "after"][] = [
    [spec.first, ">=", "first"],
    [spec.last, "<=", "last"],
    [spec.before, "<", "before"],
    [spec.after, ">", "after"],
  ];
  for (const [id, op, name] of bounds) {
    if (id === null) continue;
    const ref = index.entryById(id);
    if (!ref)
      throw new QuireError("E_TEMPLATE", `view(${name}=${id}): no entry has this ID`, { field: name });
    w.add(`(e.local_date, e.id) ${op} (${w.bind(ref.localDate)}, ${w.bind(ref.id)})`);
  }
  if (spec.attachments !== null) w.add(attachmentOfSql("e", w.bind(spec.attachments)));
  if (spec.attached !== null) w.add(attachedToSql("e", w.bind(spec.attached)));
  if (spec.hasAttachments !== null) w.add(hasAttachmentsSql("e", spec.hasAttachments));
  if (spec.isAttached !== null) w.add(isAttachedSql("e", spec.isAttached));
  return w;
}

// Tag matches drive from `entry_tags_key` when the planner finds that cheaper than walking the category.
// Hidden tags count: in Publ, Hidden-Tag exists precisely to be filtered on without being shown.
function addTagFilter(w: Where, spec: ViewSpec): void {
  const keys = [...new Set(spec.tag.map(tagKey))].filter((k) => k !== "");
  if (keys.length === 0) return;
  const tagged = (ks: string[]): string =>
    `SELECT t.file FROM entry_tags t WHERE t.tag_key IN (${ks.map((k) => w.bind(k)).join(", ")})`;
  if (spec.tagFilter === "ANY") w.add(`e.file IN (${tagged(keys)})`);
  else if (spec.tagFilter === "ALL") for (const key of keys) w.add(`e.file IN (${tagged([key])})`);
  else w.add(`e.file NOT IN (${tagged(keys)})`);
}

/** Newest-first views walk keys downwards; oldest-first and title views upwards. */
export function isDescending(order: ViewOrder): boolean {
  return order === "newest";
}

/** The sort key of an entry in a display order. */
export function keyOfEntry(entry: IndexedEntry, order: ViewOrder): SortKey {
  return { k: order === "title" ? entry.sortTitle : entry.localDate, id: entry.id };
}

/** Restricts rows to those at/after, strictly after, or strictly before `key` in display order. */
export function addKeyRelation(w: Where, order: ViewOrder, relation: Relation, key: SortKey): void {
  const column = order === "title" ? "e.sort_title" : "e.local_date";
  const forward = isDescending(order) ? "<" : ">";
  const backward = isDescending(order) ? ">" : "<";
  const op = relation === "atOrAfter" ? `${forward}=` : relation === "after" ? forward : backward;
  w.add(`(${column}, e.id) ${op} (${w.bind(key.k)}, ${w.bind(key.id)})`);
}

/** ORDER BY for a display order, or its reverse (to look backwards from a page). */
export function orderBySql(order: ViewOrder, reverse = false): string {
  const desc = isDescending(order) !== reverse;
  const dir = desc ? "DESC" : "ASC";
  const column = order === "title" ? "e.sort_title" : "e.local_date";
  return `ORDER BY ${column} ${dir}, e.id ${dir}`;
}

/** Runs `SELECT <entry columns> … WHERE … ORDER BY … LIMIT …` and returns IndexedEntries. */
export function selectEntries(db: Db, where: Where, orderBy: string, limit: number | null): IndexedEntry[] {
  const sql = `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE ${where.sql} ${orderBy}${limit === null ? "" : " LIMIT @limit"}`;
  const params = limit === null ? where.params : { ...where.params, limit };
  return (statement(db, sql).all(params) as Parameters<typeof toEntry>[0][]).map(toEntry);
}

/** Runs `SELECT <columns> … WHERE … ORDER BY …` for light rows (ids and dates for page lists and neighbours). */
export function selectRows<T>(
  db: Db,
  columns: string,
  where: Where,
  orderBy: string,
  limit: number | null,
): T[] {
  const sql = `SELECT ${columns} FROM entries e WHERE ${where.sql} ${orderBy}${limit === null ? "" : " LIMIT @limit"}`;
  const params = limit === null ? where.params : { ...where.params, limit };
  return statement(db, sql).all(params) as T[];
}

// The number of SQL shapes is bounded by the spec options (tag counts are capped by the parsers), so this
// rarely fills; the cap guards against a template generating shapes without end.
const MAX_STATEMENTS = 512;
const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** The prepared statement for this SQL on this database, prepared once. */
export function statement(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size >= MAX_STATEMENTS) cache.clear();
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}
