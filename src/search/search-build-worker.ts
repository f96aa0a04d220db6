/**
 * The thread that fills the search tables of a cold index into a scratch database while the calling thread
 * builds the index itself (see search-build.ts): it is handed each entry's bytes and header values as the
 * refresh reads them, in the refresh's order, so the tables come out the same on every run.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { parseEntryBody } from "../content/parse-entry.js";
import { SCHEMA_SQL } from "../db/schema.js";
import { SEARCHABLE } from "./search-index.js";
import { cleanField, entryText } from "./entry-text.js";
import type { SearchDoc } from "./search-build.js";

interface BuildData {
  scratch: string;
}

const data = workerData as BuildData;
// A scratch file, thrown away if anything goes wrong: no journal, no syncs.
const db = new Database(data.scratch);
db.pragma("journal_mode = OFF");
db.pragma("synchronous = OFF");
db.exec(SCHEMA_SQL);
// Merging FTS5's segments 16 at a time instead of 4 costs about 12 % less CPU for a whole site at once and
// leaves fewer, larger segments. The setting stays here: the index's own table keeps FTS5's defaults for
// the small changes that follow (its config row is not copied, see search-build.ts).
db.exec("INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 16), ('crisismerge', 64)");
const insertDoc = db.prepare(
  "INSERT INTO search_docs (docid, file, hash, auth, status, category, date) VALUES (?, ?, ?, ?, ?, ?, ?)",
);
const insertText = db.prepare("INSERT INTO search_fts (rowid, title, text, tags) VALUES (?, ?, ?, ?)");
const deleteDoc = db.prepare("DELETE FROM search_docs WHERE docid = ?");
const deleteText = db.prepare("DELETE FROM search_fts WHERE rowid = ?");
// A file comes again when the refresh has stamped it (write-back) and indexes its new bytes: those replace it.
const docOf = new Map<string, { docid: number; searchable: boolean }>();
let docs = 0;
db.exec("BEGIN");
parentPort!.on("message", (msg: { docs: SearchDoc[] } | { end: true }) => {
  if ("end" in msg) {
    db.exec("COMMIT");
    db.close();
    parentPort!.postMessage({ docs });
    return;
  }
  for (const doc of msg.docs) {
    let body: ReturnType<typeof parseEntryBody>;
    try {
      body = parseEntryBody(doc.bytes, doc.file);
    } catch {
      continue; // The sync after the copy reads it again (and the refresh has reported what is wrong).
    }
    const before = docOf.get(doc.file);
    if (before) {
      if (before.searchable) deleteText.run(before.docid);
      deleteDoc.run(before.docid);
    }
    const docid = ++docs;
    insertDoc.run(docid, doc.file, doc.hash, doc.auth.trim(), doc.status, doc.category, doc.date);
    const searchable = SEARCHABLE.has(doc.status);
    docOf.set(doc.file, { docid, searchable });
    if (!searchable) continue;
    insertText.run(
      docid,
      cleanField(doc.title),
      entryText(body.format, body.body, body.more),
      cleanField(doc.tags.join(" ; ")),
    );
  }
});
