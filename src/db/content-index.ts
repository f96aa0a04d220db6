/** Read access to the index: entries by ID, file and alias, categories, tags, and the listing queries views are built on. */
import type { Db } from "./open-index.js";
import { getMeta } from "./open-index.js";
import type { EntryStatus } from "../content/entry-record.js";
import { tagKey, normaliseAlias } from "./refresh.js";
import { ANONYMOUS_ACCESS, type ReaderAccess } from "../auth/access-rule.js";
import { readableSql, readerParam, registerReadableFunction } from "./readable-sql.js";
import type { AliasKind } from "./prepare-file.js";
import { ATTACH_LINKS_SQL } from "./attachments.js";

/** An entry as the index knows it: enough to route, list and link; the body is read from the file when rendered. */
export interface IndexedEntry {
  id: number;
  file: string;
  uuid: string;
  title: string;
  sortTitle: string;
  slug: string;
  /** Epoch ms. */
  date: number;
  dateExplicit: boolean;
  /** The zone the Date was written in (`+HH:MM` or an IANA name), to show it as written; null: the site's. */
  dateZone?: string | null;
  /** The date's wall-clock time where it was written, as epoch ms of that wall-clock time in UTC: the sort key. */
  localDate: number;
  lastModified: number | null;
  category: string;
  status: EntryStatus;
  format: "markdown" | "html";
  entryType: string | null;
  entryTemplate: string | null;
  redirectTo: string | null;
  pathCanonical: string | null;
  summary: string | null;
  /** The `Auth:` rule, or null when anyone may read the entry (see auth/access-rule). */
  auth: string | null;
  hasMore: boolean;
  /** Every header as written, in order. */
  headers: [string, string][];
}

/** Category metadata from a `.cat`/`.meta` file. */
export interface IndexedCategory {
  path: string;
  name: string | null;
  sortName: string | null;
  indexTemplate: string | null;
  entryTemplate: string | null;
  description: string;
  headers: [string, string][];
}

/**
 * Every entry, whatever its status, as listings filter them: in (local date, id) order, with its category, status,
 * Entry-Type and the rows of each tag key (hidden tags included, as filters count them).
 */
export interface Catalogue {
  readonly size: number;
  readonly dates: Float64Array;
  /** The sort key of each row (see IndexedEntry.localDate). */
  readonly localDates: Float64Array;
  readonly ids: Float64Array;
  readonly categories: readonly string[];
  readonly statuses: readonly EntryStatus[];
  readonly types: readonly (string | null)[];
  /** The `Auth:` rule of each entry (null for most): listings keep only what their reader may read. */
  readonly auths: readonly (string | null)[];
  /** Tag key → the rows (positions in this order) of the entries that carry it, each once. */
  readonly tagRows: ReadonlyMap<string, Int32Array>;
  /** 1 for each row with attachments (Publ's `has_attachments`), 0 otherwise. */
  readonly hasAttachments: Uint8Array;
  /** 1 for each row attached to another entry (Publ's `is_attached`), 0 otherwise. */
  readonly isAttached: Uint8Array;
}

export interface TagInfo {
  key: string;
  name: string;
  count: number;
}

const ENTRY_COLUMNS = `id, file, uuid, title, sort_title, slug, date, date_explicit, date_zone, local_date, last_modified, category, status, format,
  entry_type, entry_template, redirect_to, path_canonical, summary, auth, has_more, headers_json`;

interface EntryRow {
  id: number;
  file: string;
  uuid: string;
  title: string;
  sort_title: string;
  slug: string;
  date: number;
  date_explicit: number;
  date_zone: string | null;
  local_date: number;
  last_modified: number | null;
  category: string;
  status: EntryStatus;
  format: "markdown" | "html";
  entry_type: string | null;
  entry_template: string | null;
  redirect_to: string | null;
  path_canonical: string | null;
  summary: string | null;
  auth: string | null;
  has_more: number;
  headers_json: string;
}

/** Turns an `entries` row into an IndexedEntry. */
export function toEntry(r: EntryRow): IndexedEntry {
  const json = r.headers_json;
  let headers: [string, string][] | undefined;
  return {
    id: r.id,
    file: r.file,
    uuid: r.uuid,
    title: r.title,
    sortTitle: r.sort_title,
    slug: r.slug,
    date: r.date,
    dateExplicit: r.date_explicit === 1,
    dateZone: r.date_zone,
    localDate: r.local_date,
    lastModified: r.last_modified,
    category: r.category,
    status: r.status,
    format: r.format,
    entryType: r.entry_type,
    entryTemplate: r.entry_template,
    redirectTo: r.redirect_to,
    pathCanonical: r.path_canonical,
    summary: r.summary,
    auth: r.auth,
    hasMore: r.has_more === 1,
    // Read when first asked for: most pages never look at an entry's raw headers.
    get headers() {
      return (headers ??= frozenHeaders(json));
    },
  };
}

function frozenHeaders(json: string): [string, string][] {
  const headers = JSON.parse(json) as [string, string][];
  for (const h of headers) Object.freeze(h);
  return Object.freeze(headers) as [string, string][];
}

function freezeEntry(entry: IndexedEntry): IndexedEntry {
  return Object.freeze(entry);
}

function remember<T>(store: Map<string, unknown>, key: string, compute: () => T): T {
  if (store.has(key)) return store.get(key) as T;
  const value = compute();
  store.set(key, value);
  return value;
}

/** Most memoised query results kept before the memo starts over. */
const MEMO_LIMIT = 5000;
/** Most entries `entryById` keeps. */
const ENTRY_CACHE_LIMIT = 50_000;
/** Most listing positions (entries, over all kept listings) held before the listings start over: ~16 MB. */
const LISTING_LIMIT = 1_000_000;

/**
 * Results that hold until the next scheduled entry goes live (or `clear`, when the index changes): the first
 * result stored notes when that is, and the store starts over then, or once its results weigh `limit`.
 */
class ScheduledMemo {
  private readonly store = new Map<string, unknown>();
  private weight = 0;
  private until = Number.POSITIVE_INFINITY;

  constructor(
    private readonly limit: number,
    private readonly weigh: (value: unknown) => number,
    private readonly nextScheduledAt: (now: number) => number | null,
  ) {}

  get<T>(key: string, now: number, compute: () => T): T {
    if (now >= this.until || this.weight >= this.limit) this.clear();
    if (this.store.size === 0) this.until = this.nextScheduledAt(now) ?? Number.POSITIVE_INFINITY;
    if (this.store.has(key)) return this.store.get(key) as T;
    const value = compute();
    this.store.set(key, value);
    this.weight += this.weigh(value);
    return value;
  }

  clear(): void {
    this.store.clear();
    this.weight = 0;
    this.until = Number.POSITIVE_INFINITY;
  }
}

/** Statuses that are listed on index pages and in feeds (SCHEDULED only once its date has passed). */
export const LISTED_STATUSES: readonly EntryStatus[] = ["PUBLISHED", "SCHEDULED"];

/** Read-only queries over an index database; statements are prepared once. */
export class ContentIndex {
  readonly db: Db;
  private readonly byId;
  private readonly byFile;
  private readonly aliasStmt;
  private readonly tagsOf;
  private readonly categoryFile;
  private readonly nextScheduled;
  private readonly assetRulesStmt;

  constructor(db: Db) {
    this.db = db;
    registerReadableFunction(db);
    this.byId = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE id = ?`);
    this.byFile = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE file = ?`);
    this.aliasStmt = db.prepare(
      "SELECT file, kind, template FROM aliases WHERE path = ? ORDER BY kind = 'canonical' DESC, file LIMIT 1",
    );
    this.tagsOf = db.prepare("SELECT tag_name, hidden FROM entry_tags WHERE file = ? ORDER BY rowid");
    this.categoryFile = db.prepare(
      "SELECT category, name, sort_name, index_template, entry_template, description, headers_json FROM category_files WHERE category = ? ORDER BY file LIMIT 1",
    );
    this.assetRulesStmt = db
      .prepare("SELECT e.auth FROM entry_assets a JOIN entries e ON e.file = a.file WHERE a.asset = ?")
      .pluck();
    this.nextScheduled = db.prepare(
      "SELECT min(date) AS next FROM entries WHERE status = 'SCHEDULED' AND date > ?",
    );
  }

  private generationValue: string | undefined;
  private nextScheduledMemo: { at: number; next: number | null } | undefined;

  /** The content generation: changes exactly when indexed content changes (memoised until `invalidate`). */
  get generation(): string {
    return (this.generationValue ??= getMeta(this.db, "generation") ?? "");
  }

  private readonly entryCache = new Map<number, IndexedEntry | null>();

  /**
   * The entry with this ID, or null. Kept until `invalidate` (pages of a listing, neighbours and links ask for
   * the same entries again and again); frozen, so that no caller can change what the next one sees.
   */
  entryById(id: number): IndexedEntry | null {
    const cached = this.entryCache.get(id);
    if (cached !== undefined) return cached;
    const row = this.byId.get(id) as EntryRow | undefined;
    const entry = row ? freezeEntry(toEntry(row)) : null;
    if (this.entryCache.size >= ENTRY_CACHE_LIMIT) this.entryCache.clear();
    this.entryCache.set(id, entry);
    return entry;
  }

  /**
   * Reads every entry (up to the cache's limit) into the cache `entryById` keeps, with one query instead of one
   * per entry: for a static export, which sooner or later asks for all of them.
   */
  preloadEntries(): void {
    const rows = this.db
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM entries LIMIT ${ENTRY_CACHE_LIMIT - this.entryCache.size}`)
      .all() as EntryRow[];
    for (const row of rows)
      if (!this.entryCache.has(row.id)) this.entryCache.set(row.id, freezeEntry(toEntry(row)));
  }

  /** The entry indexed from this file (relative to content/), or null. */
  entryByFile(file: string): IndexedEntry | null {
    const row = this.byFile.get(file) as EntryRow | undefined;
    return row ? toEntry(row) : null;
  }

  /**
   * The Auth: values (null: none) of the entries whose text refers to a file under content/ (its path
   * relative to content/); empty when none does.
   */
  assetRules(asset: string): (string | null)[] {
    return this.assetRulesStmt.all(asset) as (string | null)[];
  }

  /** The entry or category that claims this request path through Path-Alias or Path-Mount. */
  alias(path: string): { file: string; kind: AliasKind; template: string | null } | null {
    return (
      (this.aliasStmt.get(normaliseAlias(path)) as {
        file: string;
        kind: AliasKind;
        template: string | null;
      }) ?? null
    );
  }

  /** An entry's visible tags (display names, in file order). */
  tags(file: string, includeHidden = false): string[] {
    return this.memoStatic(`tags\0${file}\0${includeHidden}`, () => {
      const rows = this.tagsOf.all(file) as { tag_name: string; hidden: number }[];
      return rows.filter((r) => includeHidden || r.hidden === 0).map((r) => r.tag_name);
    });
  }

  /** A category's `.cat` metadata, or null when the folder has none. */
  categoryMeta(path: string): IndexedCategory | null {
    return this.memoStatic(`cat\0${path}`, () => this.loadCategoryMeta(path));
  }

  private loadCategoryMeta(path: string): IndexedCategory | null {
    const r = this.categoryFile.get(path) as
      | {
          category: string;
          name: string | null;
          sort_name: string | null;
          index_template: string | null;
          entry_template: string | null;
          description: string;
          headers_json: string;
        }
      | undefined;
    if (!r) return null;
    return {
      path: r.category,
      name: r.name,
      sortName: r.sort_name,
      indexTemplate: r.index_template,
      entryTemplate: r.entry_template,
      description: r.description,
      headers: JSON.parse(r.headers_json) as [string, string][],
    };
  }

  private categoryList: string[] | undefined;
  private readonly memoStore = new ScheduledMemo(
    MEMO_LIMIT,
    () => 1,
    (now) => this.nextScheduledAt(now),
  );
  private readonly listingMemo = new ScheduledMemo(
    LISTING_LIMIT,
    (listing) => (listing as { size: number }).size,
    (now) => this.nextScheduledAt(now),
  );
  private readonly staticStore = new Map<string, unknown>();

  /**
   * Memoises a whole listing (e.g. every entry of a category in date order) like `memo`, but bounded by the
   * listings' total `size` rather than their number, since one listing can hold every entry of the site.
   */
  listing<T extends { size: number }>(key: string, now: number, compute: () => T): T {
    return this.listingMemo.get(key, now, compute);
  }

  private catalogueValue: Catalogue | undefined;

  /** Every entry as listings filter them (see Catalogue): read in two queries, kept until `invalidate`. */
  catalogue(): Catalogue {
    return (this.catalogueValue ??= this.loadCatalogue());
  }

  private loadCatalogue(): Catalogue {
    // Arrays rather than objects: every entry, read by every thread that lists entries.
    const rows = this.db
      .prepare(
        "SELECT date, id, category, status, entry_type, file, auth, local_date FROM entries ORDER BY local_date, id",
      )
      .raw()
      .all() as [number, number, string, EntryStatus, string | null, string, string | null, number][];
    const size = rows.length;
    const dates = new Float64Array(size);
    const localDates = new Float64Array(size);
    const ids = new Float64Array(size);
    const categories = new Array<string>(size);
    const statuses = new Array<EntryStatus>(size);
    const types = new Array<string | null>(size);
    const auths = new Array<string | null>(size);
    const rowOf = new Map<string, number>();
    for (let i = 0; i < size; i++) {
      const r = rows[i]!;
      dates[i] = r[0];
      localDates[i] = r[7];
      ids[i] = r[1];
      categories[i] = r[2];
      statuses[i] = r[3];
      types[i] = r[4];
      auths[i] = r[6];
      rowOf.set(r[5], i);
    }
    const tagged = new Map<string, Set<number>>();
    const tagRows = this.db.prepare("SELECT file, tag_key FROM entry_tags").raw().all() as [string, string][];
    for (const [file, key] of tagRows) {
      const row = rowOf.get(file);
      if (row === undefined) continue;
      let set = tagged.get(key);
      if (!set) tagged.set(key, (set = new Set()));
      set.add(row);
    }
    const hasAttachments = new Uint8Array(size);
    const isAttached = new Uint8Array(size);
    const links = this.db.prepare(ATTACH_LINKS_SQL).raw().all() as [string, string][];
    for (const [parent, child] of links) {
      const p = rowOf.get(parent);
      const c = rowOf.get(child);
      if (p !== undefined) hasAttachments[p] = 1;
      if (c !== undefined) isAttached[c] = 1;
    }
    return {
      size,
      dates,
      localDates,
      ids,
      categories,
      statuses,
      types,
      auths,
      tagRows: new Map([...tagged].map(([key, set]) => [key, Int32Array.from(set)])),
      hasAttachments,
      isAttached,
    };
  }

  /** Forgets memoised answers; call after a refresh changed the index. */
  invalidate(): void {
    this.catalogueValue = undefined;
    this.entryCache.clear();
    this.categoryList = undefined;
    this.generationValue = undefined;
    this.nextScheduledMemo = undefined;
    this.listingMemo.clear();
    this.memoStore.clear();
    this.staticStore.clear();
  }

  /**
   * Memoises a query result until the index changes or the next scheduled entry goes live, whichever is first:
   * listings only change then. Bounded, so endless distinct queries (e.g. `?tag=` combinations) cannot grow it.
   */
  memo<T>(key: string, now: number, compute: () => T): T {
    return this.memoStore.get(key, now, compute);
  }

  /** Memoises a result that depends only on the indexed content (not on the clock). */
  memoStatic<T>(key: string, compute: () => T): T {
    if (this.staticStore.size >= MEMO_LIMIT) this.staticStore.clear();
    return remember(this.staticStore, key, compute);
  }

  /** Every category path that has entries or a `.cat` file, plus their ancestors; always includes the root `""`. */
  categories(): string[] {
    return (this.categoryList ??= this.loadCategories());
  }

  private loadCategories(): string[] {
    const rows = this.db
      .prepare("SELECT DISTINCT category FROM entries UNION SELECT category FROM category_files")
      .all() as { category: string }[];
    const all = new Set<string>([""]);
    for (const { category } of rows) {
      const parts = category.split("/").filter(Boolean);
      for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join("/"));
    }
    return [...all].sort();
  }

  /** The epoch ms at which the next SCHEDULED entry becomes visible, or null when none is waiting. */
  nextScheduledAt(now: number): number | null {
    // Asked for every page stored in the page cache, and the query scans the entries (about 1 ms for 2,000).
    // The answer found at `at` holds for any later moment before it, until the index changes.
    const known = this.nextScheduledMemo;
    if (known && now >= known.at && (known.next === null || now < known.next)) return known.next;
    const next = (this.nextScheduled.get(now) as { next: number | null }).next;
    this.nextScheduledMemo = { at: now, next };
    return next;
  }

  /** Tags of entries listed in a category (and its subcategories when recurse) for a reader, with counts. */
  tagCounts(
    category: string,
    recurse: boolean,
    now: number,
    reader: ReaderAccess = ANONYMOUS_ACCESS,
  ): TagInfo[] {
    return this.memo(`tagcounts\0${category}\0${recurse}\0${reader.accessKey}`, now, () =>
      this.loadTagCounts(category, recurse, now, reader),
    );
  }

  private loadTagCounts(category: string, recurse: boolean, now: number, reader: ReaderAccess): TagInfo[] {
    const rows = this.db
      .prepare(
        `SELECT t.tag_key AS key, min(t.tag_name) AS name, count(*) AS count FROM entry_tags t JOIN entries e ON e.file = t.file
         WHERE t.hidden = 0 AND ${listedSql("e")} AND ${readableSql("e")} AND ${categorySql("e", recurse, category)}
         GROUP BY t.tag_key ORDER BY count DESC, key`,
      )
      .all({ now, reader: readerParam(reader), ...categoryParams(category) }) as TagInfo[];
    return rows;
  }

  /** The case-folded key of a tag name. */
  tagKey(name: string): string {
    return tagKey(name);
  }
}

/**
 * SQL for "listed now": PUBLISHED always, SCHEDULED once its date has passed. Binds `@now`. Status has no
 * index (nearly every entry shares one value); the unary `+` keeps any future one out of listings, which
 * walk the (category, date) index instead of sorting.
 */
export function listedSql(alias: string): string {
  return `(+${alias}.status = 'PUBLISHED' OR (+${alias}.status = 'SCHEDULED' AND ${alias}.date <= @now))`;
}

/**
 * SQL restricting to a category, or to it and its subcategories. Binds what `categoryParams` gives. The
 * recursive form is a range on `category` (everything from `blog` up to `blog0`), then narrowed to `blog` itself
 * and names under `blog/`: an OR without the range made SQLite walk every entry by date instead. The root with
 * its subcategories is everything: no test at all.
 */
export function categorySql(alias: string, recurse: boolean, category: string): string {
  if (!recurse) return `${alias}.category = @category`;
  if (category === "") return "1";
  const c = `${alias}.category`;
  return `(${c} >= @category AND ${c} < @prefixEnd AND (${c} = @category OR ${c} > @prefix))`;
}

/** The parameters `categorySql` binds: subcategories of `blog` sort between `blog/` and `blog0` ('0' follows '/'). */
export function categoryParams(category: string): { category: string; prefix: string; prefixEnd: string } {
  return { category, prefix: `${category}/`, prefixEnd: `${category}0` };
}
