/**
 * Runs parsed queries against the index: bm25 ranking with titles weighted, highlighted snippets, paging, and
 * the same visibility as listings (status, schedule, category, and the reader: an entry with an `Auth:` rule
 * is found only by a reader its rule admits).
 */
import type { Db } from "../db/open-index.js";
import type { Statement } from "better-sqlite3";
import { listedSql, categorySql, categoryParams } from "../db/content-index.js";
import { registerReadableFunction, readerParam } from "../db/readable-sql.js";
import { ANONYMOUS_ACCESS, type ReaderAccess } from "../auth/access-rule.js";
import {
  hasTerms,
  headsExpression,
  matchExpression,
  parseQuery,
  plainWordsQuery,
  type ParsedQuery,
} from "./query.js";
import { searchInStep, searchWords, type SearchWords } from "./search-index.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { folderOf } from "../db/prepare-file.js";

/** Keyword arguments of Publ's `search()`. */
export interface SearchOptions {
  /** Restrict to this category (null or undefined: the whole site). */
  category?: string | null;
  /** With `category`: its subcategories too. */
  recurse?: boolean;
  /** Results per page (default 10, at most 100). */
  count?: number;
  /** 1-based page (default 1). */
  page?: number;
  /** Include SCHEDULED entries whose date has not come yet. */
  future?: boolean;
  /** The clock, epoch ms. */
  now: number;
  /** Who searches (default: a signed-out reader). Entries their `Auth:` rule refuses are never found. */
  reader?: ReaderAccess;
}

/** One result: an entry's file, its rank, and a snippet of its text as HTML with matches in `<mark>`. */
export interface SearchHit {
  /** The entry's file, relative to content/. */
  file: string;
  rank: number;
  snippet: string;
  /** The title with matches marked, as HTML. */
  title: string;
}

/** One page of results. */
export interface SearchResult {
  query: ParsedQuery;
  hits: SearchHit[];
  /** Results over all pages. */
  total: number;
  page: number;
  count: number;
  pages: number;
  /** The query could not be read as written and was run as plain words. */
  fallback: boolean;
  /** The search tables are still being filled after a change: results may be incomplete. */
  building: boolean;
  /**
   * Some matches were left out because this reader may not read them (Publ's `has_unauthorized`): the only
   * thing a reader learns about entries they may not read, never their number, titles or text.
   */
  hasUnauthorized: boolean;
}

export const DEFAULT_COUNT = 10;
export const MAX_COUNT = 100;
/** Statements a Searcher keeps compiled (queries differ by their filters: a few dozen shapes in practice). */
const MAX_STATEMENTS = 64;
/** Pages past this are not served (deep paging through bm25 costs a sort of every match). */
export const MAX_PAGE = 100;

/**
 * Above this many matches, only the matches with a word of the query in their title or tags are scored
 * (`rankTiered`): bm25 costs about a microsecond per match, on top of the count.
 */
export const TIERED_FROM = 2000;
/** bm25 column weights: title, text, tags (category and date are not indexed). */
const WEIGHTS = "10.0, 1.0, 4.0";
/** Snippet markers: control characters, which indexed text never holds (see entry-text.ts). */
const OPEN = "\u0002";
const CLOSE = "\u0003";
const SNIPPET_TOKENS = 24;
/** The index's tokenizer (schema.ts), for the scratch table the snippets are made in. */
const TOKENIZE = "porter unicode61 remove_diacritics 2";

/** Searches the index with the query syntax readers type; never throws for a strange query. */
export class Searcher {
  /**
   * `source` is where the entry files are, for the snippets: the index stores no text (see schema.ts), so a
   * page's snippets are made from its entries' files, at most MAX_COUNT of them.
   */
  constructor(
    private readonly db: Db,
    private readonly source: { contentDir: string; timeZone: string },
  ) {
    registerReadableFunction(db);
  }

  /** Statements by SQL: a query's SQL varies only with its filters, and compiling it cost as much as a count. */
  private readonly statements = new Map<string, Statement>();

  private prepare(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /** One page of results for a reader's query. */
  search(raw: string, options: SearchOptions): SearchResult {
    const count = clampInt(options.count, DEFAULT_COUNT, 1, MAX_COUNT);
    const page = clampInt(options.page, 1, 1, MAX_PAGE);
    const parsed = parseQuery(raw);
    const building = !searchInStep(this.db);
    const empty: SearchResult = {
      query: parsed,
      hits: [],
      total: 0,
      page,
      count,
      pages: 0,
      fallback: false,
      building,
      hasUnauthorized: false,
    };
    if (!hasTerms(parsed)) return empty;
    try {
      return { ...empty, ...this.run(parsed, options, count, page) };
    } catch (err) {
      if (!isFtsSyntaxError(err)) throw err;
    }
    // Quoting every word should leave FTS5 nothing to refuse; should it still, the reader gets plain words.
    const plain = plainWordsQuery(raw);
    try {
      return { ...empty, query: plain, fallback: true, ...this.run(plain, options, count, page) };
    } catch (err) {
      if (!isFtsSyntaxError(err)) throw err;
      return { ...empty, fallback: true };
    }
  }

  private run(
    q: ParsedQuery,
    options: SearchOptions,
    count: number,
    page: number,
  ): Pick<SearchResult, "hits" | "total" | "pages" | "hasUnauthorized"> {
    const match = matchExpression(q);
    // search_docs holds each entry's status, category and date: filtering there spares a join on `entries`.
    const where: string[] = [options.future ? futureSql("d") : listedSql("d")];
    const params: Record<string, unknown> = {
      now: options.now,
      reader: readerParam(options.reader ?? ANONYMOUS_ACCESS),
    };
    if (options.category !== undefined && options.category !== null) {
      where.push(categorySql("d", options.recurse === true, options.category));
      Object.assign(params, categoryParams(options.category));
    }
    q.tags.forEach((key, i) => {
      // IN lets a tags-only query start from the tag's index rows instead of every document. With words, FTS5
      // drives: its rowids are tested against the tag's docids before any is joined to its doc.
      where.push(
        match === null
          ? `d.file IN (SELECT file FROM entry_tags WHERE tag_key = @tag${i} AND hidden = 0)`
          : `+search_fts.rowid IN (SELECT t.docid FROM entry_tags g JOIN search_docs t ON t.file = g.file
               WHERE g.tag_key = @tag${i} AND g.hidden = 0)`,
      );
      params[`tag${i}`] = key;
    });
    q.notTags.forEach((key, i) => {
      where.push(`NOT EXISTS (SELECT 1 FROM entry_tags t WHERE t.file = d.file AND t.tag_key = @notTag${i})`);
      params[`notTag${i}`] = key;
    });
    if (match !== null) {
      where.push("search_fts MATCH @match");
      params.match = match;
    }
    const from =
      match === null
        ? `search_docs d WHERE ${where.join(" AND ")}`
        : // CROSS JOIN keeps FTS5 driving: a rowid lookup into it alongside a MATCH is not honoured (see below).
          `search_fts CROSS JOIN search_docs d ON d.docid = search_fts.rowid WHERE ${where.join(" AND ")}`;
    // One pass counts what the reader may read and notes whether anything was refused them. CASE, not OR:
    // outside a WHERE, SQLite evaluates both sides of an OR, which would call the rule for every match.
    const counted = this.prepare(
      `SELECT count(*) FILTER (WHERE ${readerMay("d")}) AS total,
           ifnull(max(CASE WHEN d.auth = '' THEN 0 WHEN quire_may_read(d.auth, @reader) = 1 THEN 0 ELSE 1 END), 0)
             AS refused FROM ${from}`,
    ).get(params) as { total: number; refused: number };
    const total = counted.total;
    const hasUnauthorized = counted.refused === 1;
    const pages = Math.ceil(total / count);
    if (total === 0 || page > pages) return { hits: [], total, pages, hasUnauthorized };
    const ranked =
      match !== null && total > TIERED_FROM
        ? this.rankTiered(from, q, params, (page - 1) * count, count)
        : this.rankPage(from, match, params, (page - 1) * count, count);
    const marks = pageMarks(this.db, (sql) => this.prepare(sql), this.source, match, ranked);
    const hits = ranked.map((r): SearchHit => {
      const m = marks.get(r.docid);
      return {
        file: r.file,
        rank: r.rank,
        snippet: markedHtml(m?.snippet ?? ""),
        title: markedHtml(m?.title ?? ""),
      };
    });
    return { hits, total, pages, hasUnauthorized };
  }

  /** One page of results, best first (bm25 with the title weighted; newer first among equals). */
  private rankPage(
    from: string,
    match: string | null,
    params: Record<string, unknown>,
    offset: number,
    count: number,
  ): Ranked[] {
    const rank = match === null ? "0" : `bm25(search_fts, ${WEIGHTS})`;
    // Ranked first, snippets after: a snippet in the ranking query would be made for every match, not ten.
    return this.prepare(
      `SELECT d.docid AS docid, d.file AS file, ${rank} AS rank FROM ${from} AND ${readerMay("d")}
         ORDER BY rank, d.date DESC, d.docid DESC LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: count, offset }) as Ranked[];
  }

  /**
   * One page of results when the query matches so many entries that scoring every match would cost more than
   * the page is worth (a word in most entries): the entries with a word of the query in their title or tags
   * come first, best first (bm25, scored for them only); then the others, newest first. For such a word
   * bm25 tells the others apart by little more than their length anyway (its weight for a word in more than
   * half the entries is nil).
   */
  private rankTiered(
    from: string,
    q: ParsedQuery,
    params: Record<string, unknown>,
    offset: number,
    count: number,
  ): Ranked[] {
    const tierParams = { ...params, heads: headsExpression(q) };
    // `+rowid`: tested by SQLite against the heads' rowids, gathered once, while FTS5 drives the query.
    const inHeads = "+search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH @heads)";
    const heads = this.prepare(
      `SELECT d.docid AS docid, d.file AS file, bm25(search_fts, ${WEIGHTS}) AS rank FROM ${from}
           AND ${inHeads} AND ${readerMay("d")}
         ORDER BY rank, d.date DESC, d.docid DESC LIMIT @limit OFFSET @offset`,
    ).all({ ...tierParams, limit: count, offset }) as Ranked[];
    if (heads.length === count) return heads;
    // The page runs past the heads: the rest, newest first, after however many heads there are.
    const headCount =
      heads.length > 0
        ? offset + heads.length
        : (this.prepare(`SELECT count(*) FROM ${from} AND ${inHeads} AND ${readerMay("d")}`)
            .pluck()
            .get(tierParams) as number);
    const rest = this.prepare(
      `SELECT d.docid AS docid, d.file AS file, 0 AS rank FROM ${from} AND NOT ${inHeads} AND ${readerMay("d")}
         ORDER BY d.date DESC, d.docid DESC LIMIT @limit OFFSET @offset`,
    ).all({
      ...tierParams,
      limit: count - heads.length,
      offset: Math.max(0, offset - headCount),
    }) as Ranked[];
    return [...heads, ...rest];
  }
}

interface Ranked {
  docid: number;
  file: string;
  rank: number;
}

/**
 * SQL for "the bound `@reader` may read the entry". Most entries have no rule (`auth = ''`), and SQLite stops
 * at the first true term of an OR, so the rule is evaluated only for the few that have one.
 */
function readerMay(alias: string): string {
  return `(${alias}.auth = '' OR quire_may_read(${alias}.auth, @reader) = 1)`;
}

/**
 * Titles and snippets with the matches marked, for one page of results: their words are read again from the
 * entry files into a scratch FTS5 table with the index's tokenizer, so FTS5 itself marks what the query
 * matched, stems and all. A file gone or changed since it was indexed gives what it holds now, or nothing.
 */
function pageMarks(
  db: Db,
  prepare: (sql: string) => Statement,
  source: { contentDir: string; timeZone: string },
  match: string | null,
  ranked: readonly { docid: number; file: string }[],
): Map<number, { snippet: string; title: string }> {
  const out = new Map<number, { snippet: string; title: string }>();
  const page: { docid: number; words: SearchWords }[] = [];
  for (const r of ranked) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(source.contentDir, r.file));
    } catch {
      continue;
    }
    const words = searchWords(bytes, r.file, folderOf(r.file), source.timeZone);
    if (words) page.push({ docid: r.docid, words });
  }
  if (match === null) {
    for (const p of page) out.set(p.docid, { snippet: p.words.text.slice(0, 240), title: p.words.title });
    return out;
  }
  // The text lives in a plain table FTS5 reads it back from (for snippets), so that emptying the scratch
  // table is FTS5's 'delete-all', not a tokenizing of every row to find what to delete.
  db.exec(
    `CREATE TABLE IF NOT EXISTS temp.search_marks_text (rowid INTEGER PRIMARY KEY, title, text, tags);
     CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_marks USING fts5(title, text, tags,
       content = 'search_marks_text', tokenize = '${TOKENIZE}')`,
  );
  const insertText = prepare(
    "INSERT INTO temp.search_marks_text (rowid, title, text, tags) VALUES (?, ?, ?, ?)",
  );
  const insertWords = prepare("INSERT INTO temp.search_marks (rowid, title, text, tags) VALUES (?, ?, ?, ?)");
  db.transaction(() => {
    prepare("INSERT INTO temp.search_marks (search_marks) VALUES ('delete-all')").run();
    prepare("DELETE FROM temp.search_marks_text").run();
    for (const p of page) {
      insertText.run(p.docid, p.words.title, p.words.text, p.words.tags);
      insertWords.run(p.docid, p.words.title, p.words.text, p.words.tags);
    }
  })();
  const rows = prepare(
    `SELECT rowid AS docid, snippet(search_marks, 1, '${OPEN}', '${CLOSE}', '…', ${SNIPPET_TOKENS}) AS snippet,
         highlight(search_marks, 0, '${OPEN}', '${CLOSE}') AS title
       FROM temp.search_marks WHERE search_marks MATCH @match`,
  ).all({ match }) as { docid: number; snippet: string; title: string }[];
  for (const row of rows) out.set(row.docid, row);
  // An entry whose file no longer holds the words searched (it changed since it was indexed): unmarked.
  for (const p of page)
    if (!out.has(p.docid)) out.set(p.docid, { snippet: p.words.text.slice(0, 240), title: p.words.title });
  // The rows stay until the next page's marks replace them: deleting them costs tokenizing them again.
  return out;
}

/** Like `listedSql`, but SCHEDULED entries count whatever their date (`future=True`). */
function futureSql(alias: string): string {
  return `(+${alias}.status = 'PUBLISHED' OR +${alias}.status = 'SCHEDULED')`;
}

/** Text with snippet markers → HTML: everything escaped, the markers turned into `<mark>`. */
function markedHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replaceAll(OPEN, "<mark>")
    .replaceAll(CLOSE, "</mark>");
}

function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/** FTS5's refusals of a MATCH expression (as opposed to a broken database, which must surface). */
function isFtsSyntaxError(err: unknown): boolean {
  const message = (err as Error).message ?? "";
  return /fts5|syntax error|unterminated|no such column|unknown special query/i.test(message);
}
