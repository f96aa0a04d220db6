// The index bench's baseline: read every entry file under a content folder and parse its header block
// (split at the first blank line, split each line at ":"), nothing more. Plain JavaScript run by plain
// `node`, like the compiled `quire index` it is compared with. Prints {"files","headers","ms"} as JSON.
// Usage: node header-baseline.mjs CONTENT_DIR
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const started = performance.now();
const root = process.argv[2];
if (!root) throw new Error("usage: node header-baseline.mjs CONTENT_DIR");

const records = [];
let headers = 0;

/** Walks `dir`, parsing every .md/.markdown/.html file's header block into a plain object. */
function walk(dir) {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) walk(path);
    else if (/\.(md|markdown|html?)$/i.test(d.name)) records.push(parseHeaders(readFileSync(path, "utf8")));
  }
}

function parseHeaders(text) {
  const end = text.indexOf("\n\n");
  const block = end < 0 ? text : text.slice(0, end);
  const record = {};
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    record[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    headers++;
  }
  return record;
}

walk(root);
process.stdout.write(
  `${JSON.stringify({ files: records.length, headers, ms: Math.round(performance.now() - started) })}\n`,
);
