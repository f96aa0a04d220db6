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
/** Positions are written as column × COLUMN_STRIDE + offset. */
const COLUMN_STRIDE = 2 ** 24;

/** The shard a term or word belongs to: its first two characters, spelled safely for a file name. */
export function shardOf(term: string): string {
  return [...term]
    .slice(0, 2)
    .map((c) => (/[a-z0-9]/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}`))
    .join("");
}

/** Words as unicode61 with remove_diacritics splits and folds them (for precomposed text). */
export function surfaceWords(text: string): string[] {
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
      `SELECT d.docid AS docid, d.file AS file FROM search_docs d
       WHERE (d.auth = '' OR quire_may_read(d.auth, @reader) = 1) AND ${listedSql("d")}
       ORDER BY d.date DESC, d.docid DESC`,
    )
    .all({ now, reader: readerParam(ANONYMOUS_ACCESS) }) as {
    docid: number;
    file: string;
  }[];
  const dense = new Map<number, number>();
  const docs: [string, string, string, string][] = [];
  const visibleTags: Record<string, number[]> = {};
  const hiddenTags: Record<string, number[]> = {};
  const words = new Set<string>();
  const tagRows = db.prepare("SELECT tag_key, hidden FROM entry_tags WHERE file = ?");
  for (const row of rows) {
    const entry = index.entryByFile(row.file);
    if (!entry) continue;
    const n = docs.length;
    dense.set(row.docid, n);
    for (const t of tagRows.all(row.file) as { tag_key: string; hidden: number }[])
      ((t.hidden ? hiddenTags : visibleTags)[t.tag_key] ??= []).push(n);
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

  // Postings straight from FTS5 (terms as its tokenizer stemmed them): one row per term, its (doc, position)
  // pairs joined by SQLite in the table's (doc, column, offset) order. A row per posting (3.5 million on the
  // bench site) cost twice the CPU in crossings between SQLite and JavaScript.
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_fts, instance)");
  const shards = new Map<string, Record<string, number[]>>();
  let terms = 0;
  const postings = db
    .prepare(
      `SELECT term, group_concat(doc || ' ' || ((CASE col WHEN 'title' THEN 0 WHEN 'text' THEN 1 ELSE 2 END) * ${COLUMN_STRIDE} + offset), ' ')
       FROM temp.search_vocab GROUP BY term`,
    )
    .raw()
    .iterate() as IterableIterator<[string, string]>;
  for (const [term, joined] of postings) {
    const pairs = inOrder(joined.split(" ").map(Number));
    let list: number[] | null = null;
    let lastDoc = -1;
    let lastPos = 0;
    let countAt = -1;
    for (let i = 0; i < pairs.length; i += 2) {
      const doc = dense.get(pairs[i]!);
      if (doc === undefined) continue;
      const pos = pairs[i + 1]!;
      if (list === null) {
        const name = shardOf(term);
        let shard = shards.get(name);
        if (!shard) shards.set(name, (shard = {}));
        list = shard[term] = [];
        terms++;
      }
      if (doc !== lastDoc) {
        // Docs come in docid order, not dense order: gaps are signed, which JSON keeps short enough.
        list.push(lastDoc < 0 ? doc : doc - lastDoc, 1, pos);
        countAt = list.length - 2;
        lastDoc = doc;
      } else {
        list.push(pos - lastPos);
        list[countAt]!++;
      }
      lastPos = pos;
    }
  }
  db.exec("DROP TABLE IF EXISTS temp.search_vocab");

  const surface = stems(db, [...words]);
  const dir = join(outDir, STATIC_SEARCH_DIR);
  mkdirSync(join(dir, "t"), { recursive: true });
  mkdirSync(join(dir, "w"), { recursive: true });
  let bytes = 0;
  let files = 0;
  const write = (rel: string, value: unknown, gzip: boolean) => {
    const json = Buffer.from(JSON.stringify(value));
    // Level 6 (zlib's default): level 9 took 3.5× the CPU time on the bench site for 2 % smaller files.
    const data = gzip ? gzipSync(json, { level: 6 }) : json;
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
      stride: COLUMN_STRIDE,
      terms: [...shards.keys()].sort(),
      words: [...wordShards.keys()].sort(),
    },
    false,
  );
  return { entries: docs.length, terms, files, bytes };
}

/**
 * (doc, position) pairs in (doc, position) order. SQLite hands them over in the order it read them, which is
 * FTS5's: checked, and sorted should a plan ever read them otherwise.
 */
function inOrder(flat: number[]): number[] {
  for (let i = 2; i < flat.length; i += 2) {
    const d = flat[i]! - flat[i - 2]!;
    if (d < 0 || (d === 0 && flat[i + 1]! <= flat[i - 1]!)) {
      const pairs: [number, number][] = [];
      for (let j = 0; j < flat.length; j += 2) pairs.push([flat[j]!, flat[j + 1]!]);
      pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      return pairs.flat();
    }
  }
  return flat;
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
