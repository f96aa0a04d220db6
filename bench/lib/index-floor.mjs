// The index bench's floor: the least any SQLite index of the kind has to do, as a second reference
// beside the read-and-parse baseline. Like header-baseline.mjs it reads every entry file and splits its
// header block at ":", and it also does the two things a refresh cannot skip: a SHA-1 of the bytes (the
// fingerprint that lets a later refresh tell a touched file from an edited one) and the rows, written with
// better-sqlite3 into Quire's own schema in one transaction, secondary indexes built after the rows, as
// `quire index` does. It checks nothing, parses no date, derives no ID or slug: every column a header does
// not give directly is a constant. Plain JavaScript run by plain `node`. Prints {"files","rows","ms"}.
// Usage: node index-floor.mjs CONTENT_DIR DB_PATH (the compiled build must exist: it reads dist/db/schema.js)
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";

const started = performance.now();
const [root, dbPath] = process.argv.slice(2);
if (!root || !dbPath) throw new Error("usage: node index-floor.mjs CONTENT_DIR DB_PATH");

const { default: Database } = await import("better-sqlite3");
const { SCHEMA_SQL } = await import("../../dist/db/schema.js");

mkdirSync(dirname(dbPath), { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
const db = new Database(dbPath);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(SCHEMA_SQL);
const secondary = [...SCHEMA_SQL.matchAll(/^CREATE INDEX (\w+) ON [^;]+;/gm)];
const insertFile = db.prepare("INSERT INTO files (path, kind, size, mtime_ms, hash) VALUES (?, ?, ?, ?, ?)");
const insertEntry = db.prepare(
  `INSERT INTO entries (file, id, uuid, id_derived, explicit_id, explicit_uuid, title, sort_title, slug, date,
   date_explicit, category, status, format, has_more, headers_json)
   VALUES (?, ?, '', 0, ?, NULL, ?, ?, '', 0, 1, ?, 'PUBLISHED', 'markdown', 0, ?)`,
);
const insertTag = db.prepare(
  "INSERT OR IGNORE INTO entry_tags (file, tag_key, tag_name, hidden) VALUES (?, ?, ?, 0)",
);

let files = 0;
let rows = 0;

/** Walks `dir`, writing every .md/.markdown/.html file's rows as it is read. */
function walk(dir) {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) walk(path);
    else if (/\.(md|markdown|html?)$/i.test(d.name)) index(relative(root, path), readFileSync(path));
  }
}

function index(rel, bytes) {
  const text = bytes.toString("utf8");
  const end = text.indexOf("\n\n");
  const block = end < 0 ? text : text.slice(0, end);
  const headers = [];
  const tags = [];
  let title = "";
  let id = null;
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    headers.push([name, value]);
    const key = name.toLowerCase();
    if (key === "title") title = value;
    else if (key === "entry-id") id = Number(value) || null;
    else if (key === "tag") tags.push(value);
  }
  const slash = rel.lastIndexOf("/");
  insertFile.run(rel, "entry", bytes.length, 0, createHash("sha1").update(bytes).digest("base64url"));
  insertEntry.run(
    rel,
    id ?? files,
    id,
    title,
    title,
    slash < 0 ? "" : rel.slice(0, slash),
    JSON.stringify(headers),
  );
  for (const tag of tags) insertTag.run(rel, tag.toLowerCase(), tag);
  files++;
  rows += 2 + tags.length;
}

db.transaction(() => {
  for (const [, name] of secondary) db.exec(`DROP INDEX ${name}`);
  walk(root);
  for (const [sql] of secondary) db.exec(sql);
})();
db.close();
process.stdout.write(`${JSON.stringify({ files, rows, ms: Math.round(performance.now() - started) })}\n`);
