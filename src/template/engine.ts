/** The Nunjucks environment: autoescaped, synchronous, Publ-style lookup, with Quire's filters; template errors become QuireErrors. */
import nunjucks from "@11ty/nunjucks";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { QuireError } from "../errors.js";
import { TemplateLoader, type FoundTemplate } from "./loader.js";
import { limitIncludeDepth, type DepthGuard } from "./include-depth.js";
import { budgetFailure, nameBudgetTemplate } from "./budget.js";
import { installJinja, addJinjaBuiltins } from "./jinja/index.js";
import { htmlToText } from "../markdown/index.js";
import { loadExtensions, reloadExtensions, type SiteExtensions } from "./extensions.js";
import { eagerFirstImage, versionedUrl } from "./theme-helpers.js";

/** Quire's own default theme, the last place a template is looked for. */
export const BUILTIN_TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "templates");

export interface TemplateEngineOptions {
  /** The site's templates/ folder. */
  templatesDir: string;
  /** Fallback folder; defaults to Quire's built-in theme. */
  builtinDir?: string;
  /** The site's root, where its `extensions.mjs` is looked for; none loaded without it. */
  siteRoot?: string;
}

type Tables = {
  filters: Record<string, unknown>;
  tests: Record<string, unknown>;
  globals: Record<string, unknown>;
};

/** Finds and renders templates; one per site, reused for every request. */
export class TemplateEngine {
  readonly loader: TemplateLoader;
  readonly env: nunjucks.Environment;
  private fingerprintValue: string | undefined;
  private readonly depth: DepthGuard;
  private readonly siteRoot: string | undefined;
  private extensions: SiteExtensions | null = null;
  /** What the site's extensions replaced, to put back when they are reloaded. */
  private shadowed: Tables = { filters: {}, tests: {}, globals: {} };
  /** `template_url(name)` by name, until the templates change. */
  private readonly templateUrls = new Map<string, string>();

  constructor(options: TemplateEngineOptions) {
    installJinja();
    const roots = [options.templatesDir];
    const builtin = options.builtinDir ?? BUILTIN_TEMPLATES;
    if (builtin !== options.templatesDir) roots.push(builtin);
    this.loader = new TemplateLoader(roots);
    this.env = new nunjucks.Environment(this.loader as unknown as nunjucks.ILoader, {
      autoescape: true,
      throwOnUndefined: false,
      trimBlocks: true,
      lstripBlocks: true,
    });
    this.depth = limitIncludeDepth(this.env as unknown as Parameters<typeof limitIncludeDepth>[0]);
    addJinjaBuiltins(this.env);
    this.env.addFilter("text", (s: unknown) => htmlToText(String(s ?? "")));
    this.env.addFilter("striptags_plain", (s: unknown) => String(s ?? "").replace(/<[^>]*>/g, ""));
    this.env.addFilter("xmlescape", (s: unknown) =>
      String(s ?? "")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;"),
    );
    // Quire's own helpers for themes (see theme-helpers.ts). `eager_first` takes HTML, as `safe` does: a
    // `{% filter eager_first %}` block hands it the block's rendered markup as a plain string.
    this.env.addFilter(
      "eager_first",
      (s: unknown) => new nunjucks.runtime.SafeString(eagerFirstImage(String(s ?? ""))),
    );
    // Once per name until the templates change (`invalidate()`), as compiled templates are: not a `stat` per page.
    this.env.addGlobal("template_url", (name: unknown) => {
      const key = String(name ?? "");
      let url = this.templateUrls.get(key);
      if (url === undefined) {
        url = versionedUrl(key, this.loader.find(key, "")?.file ?? null);
        this.templateUrls.set(key, url);
      }
      return url;
    });
    this.siteRoot = options.siteRoot;
    if (this.siteRoot) this.applyExtensions(loadExtensions(this.siteRoot));
  }

  /** The site's extensions in use, or null. */
  get siteExtensions(): SiteExtensions | null {
    return this.extensions;
  }

  /** The absolute path of the site's extensions file in use, or null (what `--dev` watches). */
  extensionsPath(): string | null {
    return this.extensions && this.siteRoot ? join(this.siteRoot, this.extensions.file) : null;
  }

  /** Loads the site's extensions again after their file changed; on error the previous ones stay in use. */
  async reloadExtensions(): Promise<void> {
    if (!this.siteRoot) return;
    this.applyExtensions(await reloadExtensions(this.siteRoot));
  }

  private applyExtensions(ext: SiteExtensions | null): void {
    const tables = this.env as unknown as Tables;
    for (const kind of ["filters", "tests", "globals"] as const) {
      for (const name of Object.keys(this.extensions?.[kind] ?? {})) {
        if (name in this.shadowed[kind]) tables[kind][name] = this.shadowed[kind][name];
        else delete tables[kind][name];
      }
      this.shadowed[kind] = {};
      for (const [name, value] of Object.entries(ext?.[kind] ?? {})) {
        if (name in tables[kind]) this.shadowed[kind][name] = tables[kind][name];
        tables[kind][name] = value;
      }
    }
    this.extensions = ext;
    this.fingerprintValue = undefined;
  }

  /** The template `name` for a category, or null; names starting with `_` are found too (callers decide routability). */
  find(name: string, category: string, accept?: readonly string[]): FoundTemplate | null {
    return this.loader.find(name, category, accept);
  }

  /** Renders a found template synchronously with this context. */
  render(template: FoundTemplate, context: Record<string, unknown>): string {
    this.depth.take();
    try {
      return this.env.render(template.name, context);
    } catch (err) {
      const tooDeep = this.depth.take();
      if (tooDeep) throw tooDeep;
      // A render stopped at its time budget stays that error (the engine would wrap it as a template error).
      if (budgetFailure()) {
        nameBudgetTemplate(`templates/${template.relative}`);
        throw budgetFailure();
      }
      const message = (err as Error).message
        .replace(/^\(unknown path\)\s*/, "")
        .split("\n")
        .slice(0, 4)
        .join(" ");
      throw new QuireError("E_TEMPLATE", `template failed: ${message}`, {
        file: `templates/${template.relative}`,
        cause: err,
      });
    }
  }

  /** Adds a global function or value available to every template. */
  addGlobal(name: string, value: unknown): void {
    // The site's own global of the same name wins; Quire's is what a reload without it puts back.
    if (this.extensions && name in this.extensions.globals) this.shadowed.globals[name] = value;
    else this.env.addGlobal(name, value);
  }

  /** Forgets compiled templates and lookups after a change under templates/. */
  invalidate(): void {
    this.loader.invalidate();
    this.templateUrls.clear();
    this.fingerprintValue = undefined;
  }

  /** A fingerprint of the templates' bytes (part of every page-cache key). */
  fingerprint(): string {
    return (this.fingerprintValue ??= this.loader.fingerprint(this.extensionsPath() ?? undefined));
  }
}
