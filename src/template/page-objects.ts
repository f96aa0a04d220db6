/** The `template` and `request` objects of a page, as Publ's templates read them (Flask's request, Publ's Template). */
import { statSync } from "node:fs";
import { basename, extname } from "node:path";
import type { FoundTemplate } from "./loader.js";
import { TemplateDate } from "./template-date.js";
import { authLinks } from "./auth-links.js";

/** `template`: `name` ("index"), `filename` ("tags/index.html"), `last_modified`; prints as its name (an object,
 *  not a dict, so Jinja's printing calls `toString`) and can be given to `{% include %}` and `{% extends %}`. */
export function templateObject(found: FoundTemplate, timeZone: string, now?: number): PageTemplate {
  return new PageTemplate(found, timeZone, now);
}

/** The page's own template, as Publ's `Template` object. */
export class PageTemplate {
  readonly name: string;
  readonly filename: string;
  private mtime: TemplateDate | undefined;

  constructor(
    private readonly found: FoundTemplate,
    private readonly timeZone: string,
    private readonly now?: number,
  ) {
    this.name = basename(found.relative, extname(found.relative));
    this.filename = found.relative;
  }

  get last_modified(): TemplateDate {
    return (this.mtime ??= new TemplateDate(
      mtimeOf(this.found.file) ?? this.now ?? Date.now(),
      this.timeZone,
      this.now,
    ));
  }

  toString(): string {
    return this.name;
  }
}

/** What `get_template(name, entry)` gives: prints as the template's file ("blog/_fragment.html") and can be given to
 *  `{% include %}` and `{% extends %}` (Nunjucks loads it by `raw`). */
export function templateReference(found: FoundTemplate): unknown {
  return new TemplateReference(found.name, found.relative);
}

/** A template as `get_template` gives it: an object (not a dict) that prints as its file name. */
class TemplateReference {
  constructor(
    readonly raw: string,
    readonly filename: string,
  ) {}
  toString(): string {
    return this.filename;
  }
}

// A site has one base URL: parse it once rather than on every page, keeping the parts pages use as strings
// (a URL object's getters are worked out afresh on each read).
interface ParsedBase {
  text: string;
  host: string;
  scheme: string;
  /** `scheme://host`, or "" without a base URL. */
  origin: string;
}
let lastBase: ParsedBase | undefined;
/** The base URL parsed (memoised); a site with none gives relative URLs and an empty host. */
function parsedBase(baseUrl: string): ParsedBase {
  if (lastBase?.text === baseUrl) return lastBase;
  if (baseUrl === "") return { text: "", host: "", scheme: "", origin: "" };
  const url = new URL(baseUrl);
  lastBase = {
    text: baseUrl,
    host: url.host,
    scheme: url.protocol.replace(/:$/, ""),
    origin: url.host === "" ? "" : `${url.protocol}//${url.host}`,
  };
  return lastBase;
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * `request.args`: the query's first values as attributes, `get(name, default)` and `getlist(name)` as methods. A
 * class, not an object made on a prototype of its own per request: V8 turns each new prototype into a slow
 * dictionary-mode object, a measurable part of an uncached page.
 */
class RequestArgs {
  readonly #query: URLSearchParams;
  constructor(query: URLSearchParams) {
    this.#query = query;
  }
  get(name: string, fallback: unknown = null): unknown {
    return this.#query.get(name) ?? fallback;
  }
  getlist(name: string): string[] {
    return this.#query.getAll(name);
  }
}

/**
 * `request` as Flask gives it to Publ's templates: `path`, `full_path` (always with its `?`), `url`, `host`, `args`
 * (`request.args.q`, `request.args.get('q', default)`, `getlist`). The host and scheme are the site's base URL's:
 * a page is cached by its path and query, whatever Host header asked for it.
 */
export function requestObject(
  baseUrl: string,
  path: string,
  query: URLSearchParams,
): Record<string, unknown> {
  const base = parsedBase(baseUrl);
  // Most pages have no query string: nothing to copy then.
  const empty = query.size === 0;
  const qs = empty ? "" : query.toString();
  const args = new RequestArgs(query) as unknown as Record<string, unknown>;
  if (!empty) for (const key of new Set(query.keys())) args[key] = query.get(key);
  const origin = base.origin;
  return {
    path,
    full_path: `${path}?${qs}`,
    url: `${origin}${path}${qs ? `?${qs}` : ""}`,
    base_url: `${origin}${path}`,
    url_root: `${origin}/`,
    host_url: `${origin}/`,
    host: base.host,
    scheme: base.scheme,
    method: "GET",
    args,
    query: empty ? {} : Object.fromEntries(query),
  };
}

/** The values of a page that follow from its request: `request`, and the `login`, `logout` and `token_endpoint`
 *  links back to it (see auth-links.ts). */
export function requestObjects(
  baseUrl: string,
  path: string,
  query: URLSearchParams,
  signIn: boolean,
): Record<string, unknown> {
  const request = requestObject(baseUrl, path, query);
  return { request, ...authLinks({ signIn, baseUrl, fullPath: request.full_path as string }) };
}
