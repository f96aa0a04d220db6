/** A tiny static file server for tests, behaving like Cloudflare Pages: `_redirects` first, `_headers` for
 *  types, `/path` served from `path/index.html` (pretty URLs), the nearest `404.html` otherwise. */
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".jpg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
};

export interface StaticHost {
  url: string;
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1 at a free port. */
export async function startStaticHost(
  root: string,
  options: { redirects?: boolean } = {},
): Promise<StaticHost> {
  const redirects = options.redirects === false ? new Map<string, string>() : readRedirects(root);
  const types = readHeaderTypes(root);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const to = redirects.get(path);
    if (to) {
      res.writeHead(301, { Location: to }).end();
      return;
    }
    const file = resolveFile(root, path);
    if (file) {
      const rel = file.slice(root.length);
      res.writeHead(200, {
        "Content-Type": types.get(rel) ?? TYPES[extname(file)] ?? "application/octet-stream",
      });
      res.end(readFileSync(file));
      return;
    }
    const notFound = nearest404(root, path);
    res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" });
    res.end(notFound ? readFileSync(notFound) : "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function resolveFile(root: string, path: string): string | null {
  if (path.split("/").some((s) => s === "..")) return null;
  const abs = join(root, path);
  if (path.endsWith("/")) return isFile(join(abs, "index.html")) ? join(abs, "index.html") : null;
  if (isFile(abs)) return abs;
  if (isFile(join(abs, "index.html"))) return join(abs, "index.html");
  return null;
}

function nearest404(root: string, path: string): string | null {
  const parts = path.split("/").filter(Boolean);
  for (let i = parts.length; i >= 0; i--) {
    const candidate = join(root, ...parts.slice(0, i), "404.html");
    if (isFile(candidate)) return candidate;
  }
  return null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `/from /to 301` lines. */
export function readRedirects(root: string): Map<string, string> {
  const map = new Map<string, string>();
  const file = join(root, "_redirects");
  if (!existsSync(file)) return map;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length >= 2 && !parts[0]!.startsWith("#")) map.set(decodeURIComponent(parts[0]!), parts[1]!);
  }
  return map;
}

/** Content-Type rules from `_headers` for exact paths. */
function readHeaderTypes(root: string): Map<string, string> {
  const map = new Map<string, string>();
  const file = join(root, "_headers");
  if (!existsSync(file)) return map;
  let path = "";
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("/")) path = line.trim();
    const m = /^\s+Content-Type:\s*(.+)$/.exec(line);
    if (m && path && !path.includes("*")) map.set(path, m[1]!.trim());
  }
  return map;
}
