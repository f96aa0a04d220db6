/**
 * The search index `quire build` ships for static hosts: the FTS5 index's own terms (already stemmed) and
 * positions, sharded by the first two characters of each term and gzip-compressed, so a reader's browser
 * fetches only the shards of the words searched. `search.js` in the default theme reads it.
 *
 * Layout under `_search/`: `meta.json` (counts, shard names); `t/<shard>.json.gz` (term → postings);
 * `w/<shard>.json.gz` (surface word → stem, where they differ: the browser needs no stemmer);
 * `tags.json.gz` (tag key → entries, read only for `tag:` queries); `d/<block>.json.gz` (URL, title, date
 * and category of DOC_BLOCK entries, newest first: a page of results reads only the blocks it shows).
 */
import { gzipSync } from "node:zlib";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ContentIndex } from "../db/content-index.js";
import { listedSql } from "../db/content-index.js";
import { readerParam, registerReadableFunction } from "../db/readable-sql.js";
import { ANONYMOUS_ACCESS } from "../auth/access-rule.js";
import { entryPath } from "../template/urls.js";
import { titleText } from "../markdown/plain-text.js";
import { folderOf } from "../db/prepare-file.js";
import { searchWords } from "./search-index.js";
import { encodePostings, readTriples, renumbered } from "./static-postings.js";

/** What was written, for the build summary and the bench. */
export interface StaticSearchSummary {
  entries: number;
  terms: number;
  files: number;
  bytes: number;
}

/** Folder of the static index in the export. */
export const STATIC_SEARCH_DIR = "_search";
/** Column weights the browser ranks with: title, text, tags (as the server's bm25). */
const WEIGHTS = [10, 1, 4];
/** Entries per `d/` block. */
const DOC_BLOCK = 100;

/** The shard a term or word belongs to: its first two characters, spelled safely for a file name. */
export function shardOf(term: string): string {
  return [...term]
    .slice(0, 2)
    .map((c) => (/[a-z0-9]/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}`))
    .join("");
}

// eslint-disable-next-line no-control-regex -- the test is for anything outside ASCII
const NON_ASCII = /[^\u0000-\u007f]/;

/** Words as unicode61 with remove_diacritics splits and folds them (for precomposed text). */
export function surfaceWords(text: string): string[] {
  // Plain ASCII (most entries) has no marks to fold, and its letters and digits are [a-z0-9] once lowercased.
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return (
    text
      .toLowerCase()
      .normalize("NFD")
      .replace(/\p{M}+/gu, "")
      .match(/[\p{L}\p{N}\p{Co}]+/gu) ?? []
  );
}

/**
 * Writes the static search index of the entries listed at `now` that a signed-out reader may read (never
 * drafts, scheduled entries, or entries whose `Auth:` rule refuses the signed-out), as the export's pages.
 */
export function writeStaticSearch(
  index: ContentIndex,
  outDir: string,
  now: number,
  source: { contentDir: string; timeZone: string },
): StaticSearchSummary {
  const db = index.db;
  registerReadableFunction(db);
  // Listed entries are PUBLISHED or SCHEDULED: every one has its words in search_fts.
  const rows = db
    .prepare(
      `SELECT d.docid AS docid, d.file AS file, e.id AS id FROM search_docs d JOIN entries e ON e.file = d.file
       WHERE (d.auth = '' OR quire_may_read(d.auth, @reader) = 1) AND ${listedSql("d")}
       ORDER BY d.date DESC, d.docid DESC`,
    )
    .all({ now, reader: readerParam(ANONYMOUS_ACCESS) }) as {
    docid: number;
    file: string;
    id: number;
  }[];
  // Dense numbers (newest first) by docid; -1 for the entries not exported.
  const dense = new Int32Array(rows.reduce((max, r) => Math.max(max, r.docid), 0) + 1).fill(-1);
  const docs: [string, string, string, string][] = [];
  const visibleTags: Record<string, number[]> = {};
  const hiddenTags: Record<string, number[]> = {};
  const words = new Set<string>();
  const tagsOf = new Map<string, [string, number][]>();
  for (const [file, key, hidden] of db
    .prepare("SELECT file, tag_key, hidden FROM entry_tags ORDER BY file, tag_key")
    .raw()
    .iterate() as IterableIterator<[string, string, number]>) {
    let list = tagsOf.get(file);
    if (!list) tagsOf.set(file, (list = []));
    list.push([key, hidden]);
  }
  for (const row of rows) {
    // From the entries a rendering thread has read already (the export preloads them all).
    const entry = index.entryById(row.id);
    if (!entry) continue;
    const n = docs.length;
    dense[row.docid] = n;
    for (const [key, hidden] of tagsOf.get(row.file) ?? [])
      ((hidden ? hiddenTags : visibleTags)[key] ??= []).push(n);
    docs.push([
      entryPath(entry),
      titleText(entry.title),
      new Date(entry.date).toISOString().slice(0, 10),
      index.categoryMeta(entry.category)?.name ?? entry.category.split("/").pop() ?? "",
    ]);
    // The surface words of the entry as written (the index keeps only their stems): read from its file.
    const found = wordsOfFile(source, row.file);
    if (found)
      for (const text of [found.title, found.text, found.tags])
        for (const w of surfaceWords(text)) words.add(w);
  }

  // Postings straight from FTS5 (terms as its tokenizer stemmed them): one row per term, its (doc, column,
  // offset) triples joined by SQLite in the table's order. A row per posting (3.5 million on the bench site)
  // cost twice the CPU in crossings between SQLite and JavaScript; the joined text is read in place.
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_fts, instance)");
  const postingsOf = new Map<string, Int32Array>();
  let maxOffset = 0;
  const postings = db
    .prepare(
      `SELECT term, group_concat(doc || ' ' || (CASE col WHEN 'title' THEN 0 WHEN 'text' THEN 1 ELSE 2 END) || ' ' || offset, ' ')
       FROM temp.search_vocab GROUP BY term`,
    )
    .raw()
    .iterate() as IterableIterator<[string, string]>;
  for (const [term, joined] of postings) {
    const triples = renumbered(readTriples(joined), dense);
    if (triples.length === 0) continue;
    for (let i = 2; i < triples.length; i += 3) if (triples[i]! > maxOffset) maxOffset = triples[i]!;
    postingsOf.set(term, triples);
  }
  // The column of a position is its value divided by the stride: the smallest power of ten above every
  // offset keeps the numbers short (the browser reads the stride from meta.json).
  let stride = 10;
  while (stride <= maxOffset) stride *= 10;
  const shards = new Map<string, Record<string, number[]>>();
  for (const [term, triples] of postingsOf) {
    const name = shardOf(term);
    let shard = shards.get(name);
    if (!shard) shards.set(name, (shard = {}));
    shard[term] = encodePostings(triples, stride);
  }
  const terms = postingsOf.size;
  db.exec("DROP TABLE IF EXISTS temp.search_vocab");

  const surface = stems(db, [...words]);
  const dir = join(outDir, STATIC_SEARCH_DIR);
  mkdirSync(join(dir, "t"), { recursive: true });
  mkdirSync(join(dir, "w"), { recursive: true });
  let bytes = 0;
  let files = 0;
  const write = (rel: string, value: unknown, gzip: boolean) => {
    const json = Buffer.from(JSON.stringify(value));
    // Level 4: on the bench site zlib's default (6) took 2.5× the CPU time for 6 % smaller files, and 9 took
    // 3.5× the time of 6 for another 2 %.
    const data = gzip ? gzipSync(json, { level: 4 }) : json;
    writeFileSync(join(dir, rel), data);
    bytes += data.length;
    files++;
  };
  for (const [name, shard] of shards) write(`t/${name}.json.gz`, shard, true);
  const wordShards = new Map<string, Record<string, string>>();
  for (const [word, stem] of surface) {
    if (word === stem) continue;
    const name = shardOf(word);
    let shard = wordShards.get(name);
    if (!shard) wordShards.set(name, (shard = {}));
    shard[word] = stem;
  }
  for (const [name, shard] of wordShards) write(`w/${name}.json.gz`, shard, true);
  mkdirSync(join(dir, "d"), { recursive: true });
  for (let i = 0; i * DOC_BLOCK < docs.length; i++)
    write(`d/${i}.json.gz`, docs.slice(i * DOC_BLOCK, (i + 1) * DOC_BLOCK), true);
  write("tags.json.gz", { visible: visibleTags, hidden: hiddenTags }, true);
  write(
    "meta.json",
    {
      version: 1,
      entries: docs.length,
      block: DOC_BLOCK,
      weights: WEIGHTS,
      stride,
      terms: [...shards.keys()].sort(),
      words: [...wordShards.keys()].sort(),
    },
    false,
  );
  return { entries: docs.length, terms, files, bytes };
}

function wordsOfFile(source: { contentDir: string; timeZone: string }, file: string) {
  try {
    return searchWords(readFileSync(join(source.contentDir, file)), file, folderOf(file), source.timeZone);
  } catch {
    return null;
  }
}

/** Each word's stem as the index's tokenizer makes it, asked of SQLite itself so the two never disagree. */
function stems(db: ContentIndex["db"], words: string[]): Map<string, string> {
  db.exec(
    "CREATE VIRTUAL TABLE temp.search_stems USING fts5(w, tokenize = 'porter unicode61 remove_diacritics 2')",
  );
  db.exec("CREATE VIRTUAL TABLE temp.search_stems_vocab USING fts5vocab(temp, search_stems, instance)");
  const insert = db.prepare("INSERT INTO temp.search_stems (rowid, w) VALUES (?, ?)");
  db.transaction(() => words.forEach((w, i) => insert.run(i + 1, w)))();
  const out = new Map<string, string>();
  for (const [term, doc] of db
    .prepare("SELECT term, doc FROM temp.search_stems_vocab")
    .raw()
    .iterate() as IterableIterator<[string, number]>) {
    const word = words[doc - 1];
    if (word !== undefined && !out.has(word)) out.set(word, term);
  }
  db.exec("DROP TABLE temp.search_stems_vocab");
  db.exec("DROP TABLE temp.search_stems");
  return out;
}
