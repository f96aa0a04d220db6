/** Rewrites a rendered page for a static host, as a pass over the HTML the server would send: view links to
 *  their folders, rendition URLs without their signature query, relative links made root-relative where a page
 *  gains a trailing slash; and collects the links, renditions and content files the page refers to. */
import { rewriteSrcset } from "../markdown/html-links.js";
import { decodeEntities, escapeText } from "../markdown/html-scan.js";
import { mapViewUrl } from "./url-map.js";

/** A rendition a page refers to: its name and the signed spec that regenerates it. */
export interface RenditionRef {
  name: string;
  s: string;
  sig: string;
}

export interface RewriteOptions {
  /** The URL the page was rendered for (path and query). */
  pageUrl: string;
  /** The site's base URL: absolute links to this origin are treated like root-relative ones. */
  baseUrl: string;
  /** Whether the HTML at `path` is a category page (or a category's HTML template) that takes view parameters. */
  isViewPath(path: string): boolean;
  /** The page is written as `…/index.html` for a URL without a trailing slash: relative links are resolved. */
  resolveRelative: boolean;
}

export interface RewriteResult {
  body: string;
  /** Same-site links as root-relative URLs (path and query), in page order, without duplicates. */
  links: string[];
  renditions: RenditionRef[];
  /** `/_file/…` paths referred to (still URL-encoded, without the prefix). */
  files: string[];
}

// Rendition URLs as the image engine signs them; `&` may be escaped once (HTML) or twice (HTML inside a feed).
const RENDITION_URL =
  /\/_img\/([a-z0-9][a-z0-9-]{0,47}_[0-9a-f]{10}(?:_[1-9][0-9]{0,4}x[1-9][0-9]{0,4})?\.(?:jpg|png|webp|avif|gif|svg))\?s=([A-Za-z0-9_-]{1,1536})(?:&amp;amp;|&amp;|&)sig=([A-Za-z0-9_-]{43})/g;
const FILE_URL = /\/_file\/([^\s"'<>?#&\\]+)/g;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Rewrites one page. HTML gets every rewrite; other types (feeds, sitemaps) only lose rendition signatures. */
export function rewritePage(body: string, mimeType: string, options: RewriteOptions): RewriteResult {
  const links = new Set<string>();
  let out = body;
  if (mimeType.startsWith("text/html")) {
    const origin = originOf(options.baseUrl);
    // Parsed only for the few links that are not plain root-relative paths.
    let page: URL | undefined;
    const pageUrl = () => (page ??= new URL(options.pageUrl, origin));
    out = rewriteUrlAttributes(body, (url) => rewriteUrl(url, pageUrl, origin, options, links));
  }
  // Most pages show no rendition and link no content file: a plain search settles that before the patterns.
  const renditions = new Map<string, RenditionRef>();
  if (out.includes("/_img/")) {
    out = out.replace(RENDITION_URL, (_m, name: string, s: string, sig: string) => {
      if (!renditions.has(name)) renditions.set(name, { name, s, sig });
      return `/_img/${name}`;
    });
  }
  const files = new Set<string>();
  if (out.includes("/_file/")) for (const m of out.matchAll(FILE_URL)) files.add(m[1]!);
  return { body: out, links: [...links], renditions: [...renditions.values()], files: [...files] };
}

/** The rewritten form of one URL attribute, or null to keep it as written. */
function rewriteUrl(
  raw: string,
  page: () => URL,
  origin: string,
  options: RewriteOptions,
  links: Set<string>,
): string | null {
  const url = raw.trim();
  if (url === "" || url.startsWith("#")) return null;
  const absolute = SCHEME.test(url) || url.startsWith("//");
  if (absolute && !/^(https?:)?\/\//i.test(url)) return null; // mailto:, data:, javascript:
  if (isPlainRootPath(url)) {
    // Most links on a page: the URL parser would return them unchanged, with nothing to map or resolve.
    links.add(url);
    return null;
  }
  let u: URL;
  try {
    u = new URL(url, page());
  } catch {
    return null;
  }
  if (u.origin !== origin) return null;
  links.add(u.pathname + u.search);
  const mapped = u.search && options.isViewPath(u.pathname) ? mapViewUrl(u.pathname, u.searchParams) : null;
  const relative = !absolute && !url.startsWith("/");
  if (!mapped && !(relative && options.resolveRelative)) return null;
  const path = mapped ? mapped.path + mapped.search : u.pathname + u.search;
  return (absolute ? u.origin : "") + path + u.hash;
}

// Characters a URL path keeps as written (RFC 3986 unreserved and sub-delims, ":", "@", "/", and "%" of an escape).
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/**
 * True for a root-relative path (`/blog/42-title/`) that parses to itself: no query, fragment, dot segment,
 * space or character the URL parser would escape or reinterpret.
 */
export function isPlainRootPath(url: string): boolean {
  return PLAIN_PATH.test(url) && !DOT_SEGMENT.test(url);
}

// A quoted URL attribute. Rendered pages quote their attributes, and text and code never hold a bare `"`
// (it is escaped as &quot;), so this finds the attributes a browser would follow, much faster than a full
// tokenizer; an unquoted value is simply left as written.
const URL_ATTRIBUTE = /(\s)(href|src|srcset|poster)(\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi;

/** Rewrites the URL attributes of a page (`href`, `src`, `srcset`, `poster`); `rewrite` returns null to keep one. */
export function rewriteUrlAttributes(html: string, rewrite: (url: string) => string | null): string {
  return html.replace(
    URL_ATTRIBUTE,
    (
      whole,
      space: string,
      name: string,
      eq: string,
      double: string | undefined,
      single: string | undefined,
    ) => {
      const value = decodeEntities(double ?? single ?? "");
      const next = name.toLowerCase() === "srcset" ? rewriteSrcset(value, (u) => rewrite(u)) : rewrite(value);
      if (next === null || next === value) return whole;
      return `${space}${name}${eq}"${escapeText(next)}"`;
    },
  );
}

/** Strips rendition signatures only (what a static host needs in any text). */
export function unsignRenditions(body: string): string {
  return body.replace(RENDITION_URL, (_m, name: string) => `/_img/${name}`);
}

const ORIGINS = new Map<string, string>();

function originOf(baseUrl: string): string {
  let origin = ORIGINS.get(baseUrl);
  if (origin === undefined) {
    try {
      origin = new URL(baseUrl).origin;
    } catch {
      origin = "http://localhost";
    }
    if (ORIGINS.size >= 16) ORIGINS.clear();
    ORIGINS.set(baseUrl, origin);
  }
  return origin;
}
