/** Template globals in Publ's names: `get_view`, `get_entry`, `get_template`, `url_for`, `secure_url`, `static`, `image`,
 *  `arrow` (`login`, `logout` and `token_endpoint` belong to each page: auth-links.ts). */
import type MarkdownIt from "markdown-it";
import type { QuireConfig } from "../config/schema.js";
import { specFromKeywords } from "../view/index.js";
import { callableFunction, keywordArgs, sig } from "./callable.js";
import type { TemplateRuntime } from "./runtime.js";
import { nameOfValue, templateName, viewKeywords, truthy } from "./category-object.js";
import { viewValue } from "./view-object.js";
import { arrowGlobal } from "./arrow.js";
import { staticPath, absoluteUrl, categoryPath, templatePath } from "./urls.js";
import { QuireError } from "../errors.js";
import { queryOf, signInOff } from "./auth-links.js";

export { TemplateView, viewValue, viewObject } from "./view-object.js";

/** What the globals need from the site. */
export interface GlobalsSite {
  readonly config: QuireConfig;
  readonly baseUrl: string;
  /** `image(path)` for templates, given the render's runtime. */
  templateImage?(rt: TemplateRuntime, category: string): (path: string) => unknown;
  /** `get_template(name, entry_or_category)`: the template a page of that category would use, or null. */
  templateValue?(name: string, category: string): unknown;
}

type NunjucksThis = { ctx: Record<string, unknown> };

function runtimeOf(self: unknown): TemplateRuntime {
  const rt = (self as NunjucksThis | undefined)?.ctx?._rt as TemplateRuntime | undefined;
  if (!rt) throw new QuireError("E_TEMPLATE", "template globals can only be used while Quire renders a page");
  return rt;
}

function currentCategory(self: unknown): string {
  const c = (self as NunjucksThis).ctx.category as { path?: string } | undefined;
  return c?.path ?? "";
}

/** The category of an entry or category object (or a path), as `get_template` takes it. */
function categoryOf(v: unknown, fallback: string): string {
  if (v === null || v === undefined) return fallback;
  if (typeof v === "string") return v.replace(/^\/+|\/+$/g, "");
  const o = v as { category?: { path?: unknown }; path?: unknown };
  if (o.category && typeof o.category.path === "string") return o.category.path;
  if (typeof o.path === "string") return o.path;
  return fallback;
}

/** Flask's endpoints that a Publ template may name in `url_for`. */
function endpointPath(endpoint: string, kw: Record<string, unknown>): string | null {
  switch (endpoint) {
    case "static":
      return staticPath(String(kw.filename ?? ""));
    case "category": {
      const category = nameOfValue(kw.category);
      const template = templateName(kw.template);
      return template ? templatePath(category, template) : categoryPath(category);
    }
    case "login":
      return `/_login/${kw.redir === undefined ? "" : String(kw.redir).replace(/^\/+/, "")}`;
    case "logout":
      return "/_logout/";
    case "admin":
      return "/_admin/";
    case "tokens":
      return "/_tokens";
    default:
      return null;
  }
}

/** The endpoints that exist only when the site offers sign-in. */
const SIGN_IN_ENDPOINTS = new Set(["logout", "admin", "tokens"]);

/** The arguments of each endpoint that go into its path; Flask puts every other one in the query string. */
const ENDPOINT_ARGS: Record<string, string[]> = {
  static: ["filename"],
  category: ["category", "template"],
  login: ["redir"],
};

/** The functions every template can call. */
export function templateGlobals(site: GlobalsSite, _md: MarkdownIt): Record<string, unknown> {
  function urlFor(endpoint: unknown, ...rest: unknown[]): string {
    const kw = keywordArgs(rest);
    const name = String(endpoint ?? "");
    // Without sign-in these routes do not exist, and Publ's url_for fails for them too.
    if (!site.config.auth.sign_in && SIGN_IN_ENDPOINTS.has(name)) signInOff(`url_for('${name}')`);
    const path = endpointPath(name, kw);
    if (path === null) throw new QuireError("E_TEMPLATE", `url_for(): no endpoint "${name}"`);
    const used = ENDPOINT_ARGS[name] ?? [];
    const url = path + queryOf(kw, (k) => !used.includes(k) && !k.startsWith("_"));
    return truthy(kw._external) ? absoluteUrl(site.baseUrl, url) : url;
  }
  return {
    /** `get_view(category="blog", count=5, recurse=True, tag="x", order="oldest")`; the root category by default. */
    get_view: callableFunction(sig("get_view()", [], [], { anyKeyword: true }), (kw, warn, context) => {
      const args = viewKeywords(kw, warn, "get_view()");
      // An entry's attachments (`get_view(attachments=entry)`) lie anywhere on the site unless a category is named.
      const linked = (args.attachments ?? args.attached) != null && !("category" in args);
      return viewValue(runtimeOf(context), specFromKeywords(args, { category: "", recurse: linked }));
    }),
    /** `get_entry(123)` or `get_entry("blog/post.md")`: an entry object, or null. */
    get_entry(this: unknown, ref: unknown) {
      const rt = runtimeOf(this);
      const index = rt.index();
      const record =
        typeof ref === "number" || (typeof ref === "string" && /^\d+$/.test(ref))
          ? index.entryById(Number(ref))
          : typeof ref === "string"
            ? index.entryByFile(ref.replace(/^\/+/, "").replace(/^content\//, ""))
            : null;
      return record && rt.mayRead(record) ? rt.entry(record) : null;
    },
    /** `get_template("_fragment", entry)`: the template that category would use; prints as its file name. */
    get_template(this: unknown, name: unknown, where?: unknown) {
      if (!site.templateValue) throw new QuireError("E_TEMPLATE", "get_template() is not available here");
      return site.templateValue(String(name ?? ""), categoryOf(where, currentCategory(this)));
    },
    /** Flask's `url_for` for the endpoints a Publ site links to (`static`, `category`, `login`…). */
    url_for: urlFor,
    /** Publ's `secure_url`: `url_for`, which Quire's links need no forcing to HTTPS for. */
    secure_url: urlFor,
    /** `static("style.css")` → `/static/style.css`; `absolute=True` for a full URL. */
    static: callableFunction(sig("static()", ["filename", "absolute"]), (kw) => {
      const url = staticPath(String(kw.filename ?? ""));
      return truthy(kw.absolute) ? absoluteUrl(site.baseUrl, url) : url;
    }),
    /** `image("photo.jpg")(width=320)` → an `<img>` tag; see the image documentation for every argument. */
    image(this: unknown, path: unknown) {
      const rt = runtimeOf(this);
      if (!site.templateImage) throw new QuireError("E_TEMPLATE", "image() is not available on this site");
      return site.templateImage(rt, currentCategory(this))(String(path ?? ""));
    },
    /** The `arrow` module's `now()`, `utcnow()` and `get()`. */
    arrow: arrowGlobal(site.config.site.timezone),
  };
}
