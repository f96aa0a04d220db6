/**
 * Keeps the full-text tables (`search_docs`, `search_fts`) in step with `entries`: after a refresh, only
 * entry files whose bytes changed since their words were indexed are read again, and removed ones dropped.
 * A status change changes the file, so it is read again; a scheduled entry going live needs no work here,
 * since queries compare its date with the clock.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEntry } from "../content/parse-entry.js";
import { getMeta, setMeta, type Db } from "../db/open-index.js";
import { cleanField, entryText } from "./entry-text.js";

/** What a search sync did. */
export interface SearchSyncSummary {
  indexed: number;
  removed: number;
  ms: number;
}

/** Statuses whose words are indexed: the ones listings can show (SCHEDULED once its date has passed). */
export const SEARCHABLE = new Set(["PUBLISHED", "SCHEDULED"]);

/** Meta key holding the content generation the search tables were last brought in step with. */
export const SEARCH_GENERATION = "search_generation";

interface TodoRow {
  file: string;
  hash: string;
  status: string;
  category: string;
  date: number;
  docid: number | null;
}

/** Brings the search tables in step with `entries`; a file that cannot be read now is tried on the next sync. */
export function syncSearch(db: Db, contentDir: string, timeZone: string): SearchSyncSummary {
  const started = performance.now();
  const generation = getMeta(db, "generation");
  if (generation !== undefined && getMeta(db, SEARCH_GENERATION) === generation)
    return { indexed: 0, removed: 0, ms: 0 };
  const todo = db
    .prepare(
      `SELECT e.file, f.hash, e.status, e.category, e.date, d.docid FROM entries e
       JOIN files f ON f.path = e.file LEFT JOIN search_docs d ON d.file = e.file
       WHERE d.hash IS NOT f.hash`,
    )
    .all() as TodoRow[];
  const gone = db
    .prepare(
      "SELECT docid FROM search_docs d WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.file = d.file)",
    )
    .pluck()
    .all() as number[];
  const deleteText = db.prepare("DELETE FROM search_fts WHERE rowid = ?");
  const deleteDoc = db.prepare("DELETE FROM search_docs WHERE docid = ?");
  const upsertDoc = db.prepare(
    `INSERT INTO search_docs (file, hash, auth, status, category, date) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(file) DO UPDATE SET hash = excluded.hash, auth = excluded.auth, status = excluded.status,
       category = excluded.category, date = excluded.date RETURNING docid`,
  );
  const insertText = db.prepare("INSERT INTO search_fts (rowid, title, text, tags) VALUES (?, ?, ?, ?)");
  let indexed = 0;
  db.transaction(() => {
    for (const docid of gone) {
      deleteText.run(docid);
      deleteDoc.run(docid);
    }
    for (const row of todo) {
      if (row.docid !== null) deleteText.run(row.docid);
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(contentDir, row.file));
      } catch {
        // Gone or unreadable since the refresh: the refresh that notices will bring this row along.
        if (row.docid !== null) deleteDoc.run(row.docid);
        continue;
      }
      const words = searchWords(bytes, row.file, row.category, timeZone);
      if (!words) {
        // The refresh recorded the problem; an entry that cannot be parsed has no words to find.
        if (row.docid !== null) deleteDoc.run(row.docid);
        continue;
      }
      const docid = (
        upsertDoc.get(row.file, row.hash, words.auth, row.status, row.category, row.date) as { docid: number }
      ).docid;
      if (!SEARCHABLE.has(row.status)) continue;
      insertText.run(docid, words.title, words.text, words.tags);
      indexed++;
    }
    if (generation !== undefined) setMeta(db, SEARCH_GENERATION, generation);
  })();
  return { indexed, removed: gone.length, ms: Math.round(performance.now() - started) };
}

/** True when the search tables hold the words of the current content generation. */
export function searchInStep(db: Db): boolean {
  const generation = getMeta(db, "generation");
  return generation !== undefined && getMeta(db, SEARCH_GENERATION) === generation;
}

/** What search stores of one entry file: its status and `Auth:` rule, and its words by column. */
export interface SearchWords {
  status: string;
  /** The `Auth:` rule as written, trimmed; "" for none. */
  auth: string;
  title: string;
  text: string;
  tags: string;
}

/** An entry file's words for the search tables, or null when it cannot be parsed (the refresh reports why). */
export function searchWords(
  bytes: Uint8Array,
  file: string,
  category: string,
  timeZone: string,
): SearchWords | null {
  let record: ReturnType<typeof parseEntry>["record"];
  try {
    record = parseEntry(bytes, { file, category, timeZone }).record;
  } catch {
    return null;
  }
  return {
    status: record.status,
    auth: record.auth?.trim() ?? "",
    title: cleanField(record.title),
    text: entryText(record.format, record.body, record.more),
    tags: cleanField(record.tags.join(" ; ")),
  };
}
