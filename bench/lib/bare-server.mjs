// The baseline for HTTP benches: a bare Node `http` server answering every request with one fixed buffer.
// Plain JavaScript, run by plain `node`, so the ceiling it sets carries no loader or framework cost.
// Usage: node bare-server.mjs --port N [--size BYTES | --file PATH] [--type CONTENT-TYPE]
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    size: { type: "string", default: "10240" },
    file: { type: "string" },
    type: { type: "string", default: "text/html; charset=utf-8" },
  },
});

const body = values.file ? readFileSync(values.file) : fixedPage(Number(values.size));
const headers = { "Content-Type": values.type, "Content-Length": String(body.length) };

const server = createServer((req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(values.port), "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));

/** An HTML-looking page of exactly `size` bytes. */
function fixedPage(size) {
  const head = "<!doctype html><html><head><title>baseline</title></head><body><p>";
  const foot = "</p></body></html>\n";
  const filler = "lorem ipsum dolor sit amet "
    .repeat(Math.ceil(size / 27))
    .slice(0, Math.max(0, size - head.length - foot.length));
  return Buffer.from(head + filler + foot);
}
