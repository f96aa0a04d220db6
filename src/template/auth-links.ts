/** Publ's `login`, `logout` and `token_endpoint` of one page: links that print as their default call
 *  (`{{ login }}` → `/_login/blog/?tag=x`) and take Publ's arguments when called (`login(redir='blog/')`). */
import { keywordArgs } from "./callable.js";
import { QuireError } from "../errors.js";
import { absoluteUrl } from "./urls.js";

// How the engine calls a value that is not a function (see callable.ts).
const INVOKE = Symbol.for("quire.invoke");

/** Flask's query string of the keyword arguments `keep` selects (`?me=test%3Aadmin`), or "". */
export function queryOf(kw: Record<string, unknown>, keep: (key: string) => boolean): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(kw)) {
    if (key === "_positional" || !keep(key) || value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

/** Publ's `redir_path`: a path without its leading slashes and its trailing `?`. */
function redirPath(path: string): string {
  // A path argument of the route: each segment encoded as Flask's path converter does ("?" becomes "%3F").
  return path
    .replace(/^\/*/, "")
    .replace(/\?$/, "")
    .split("/")
    .map((s) => encodeURIComponent(decodeURIComponentSafe(s)))
    .join("/");
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A link as Publ's `CallableProxy` gives it: printing it prints its call without arguments, and it can be
 * called with arguments. An object rather than a function, so that it never prints as JavaScript source.
 */
class LinkProxy {
  readonly [INVOKE]: (args: unknown[]) => string;
  constructor(make: (args: unknown[]) => string) {
    this[INVOKE] = make;
  }
  toString(): string {
    return this[INVOKE]([]);
  }
}

/** What the links of a page need: the site's sign-in setting and base URL, and the page's `full_path`. */
export interface AuthLinkPage {
  signIn: boolean;
  baseUrl: string;
  fullPath: string;
}

/**
 * `login`, `logout` and `token_endpoint` for one page, back to that page by default. With sign-in off
 * (`[auth] sign_in = false`) `logout` and `token_endpoint` are errors where they are used, as in Publ without
 * auth, where their routes do not exist; `login` still gives its link, which answers 404 then, as Publ's does.
 */
export function authLinks(page: AuthLinkPage): Record<"login" | "logout" | "token_endpoint", LinkProxy> {
  const link = (base: string) => (args: unknown[]) => {
    const kw = keywordArgs(args);
    const positional = (kw._positional as unknown[] | undefined) ?? [];
    const redir = kw.redir ?? positional[0];
    const path = redirPath(redir === undefined || redir === null ? page.fullPath : String(redir));
    const url = `${base}/${path}${queryOf(kw, (k) => k !== "redir" && k !== "absolute")}`;
    return (kw.absolute ?? positional[1]) ? absoluteUrl(page.baseUrl, url) : url;
  };
  return {
    login: new LinkProxy(link("/_login")),
    logout: new LinkProxy(page.signIn ? link("/_logout") : () => signInOff("logout")),
    token_endpoint: new LinkProxy(page.signIn ? () => "/_tokens" : () => signInOff("token_endpoint")),
  };
}

/** The error of a sign-in link on a site without sign-in. */
export function signInOff(name: string): never {
  throw new QuireError(
    "E_TEMPLATE",
    `\`${name}\` has no address: sign-in is off on this site ([auth] sign_in = false in quire.toml)`,
  );
}
