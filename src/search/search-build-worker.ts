/**
 * The thread that fills the search tables of a cold index into a scratch database while the calling thread
 * builds the index itself (see search-build.ts): it reads and parses the entry files the caller listed, in
 * that order, so the tables come out the same on every run.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { contentHash, folderOf } from "../db/prepare-file.js";
import { MAX_ENTRY_BYTES } from "../content/parse-entry.js";
import { SCHEMA_SQL } from "../db/schema.js";
import { SEARCHABLE, searchWords } from "./search-index.js";

interface BuildData {
  scratch: string;
  contentDir: string;
  timeZone: string;
  /** Entry files relative to content/, in docid order. */
  files: string[];
}

const data = workerData as BuildData;
// A scratch file, thrown away if anything goes wrong: no journal, no syncs.
const db = new Database(data.scratch);
db.pragma("journal_mode = OFF");
db.pragma("synchronous = OFF");
db.exec(SCHEMA_SQL);
const insertDoc = db.prepare(
  "INSERT INTO search_docs (docid, file, hash, auth, status, category, date) VALUES (?, ?, ?, ?, ?, '', 0)",
);
const insertText = db.prepare("INSERT INTO search_fts (rowid, title, text, tags) VALUES (?, ?, ?, ?)");
let docs = 0;
db.transaction(() => {
  for (const file of data.files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(data.contentDir, file));
    } catch {
      continue; // The sync after the copy reads it again, or notices it is gone.
    }
    if (bytes.length > MAX_ENTRY_BYTES) continue;
    const words = searchWords(bytes, file, folderOf(file), data.timeZone);
    if (!words) continue;
    const docid = ++docs;
    insertDoc.run(docid, file, contentHash(bytes), words.auth, words.status);
    if (SEARCHABLE.has(words.status)) insertText.run(docid, words.title, words.text, words.tags);
  }
})();
db.close();
parentPort!.postMessage({ docs });
