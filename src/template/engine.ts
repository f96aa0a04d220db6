/** The Nunjucks environment: autoescaped, synchronous, Publ-style lookup, with Quire's filters; template errors become QuireErrors. */
import nunjucks from "@11ty/nunjucks";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { QuireError } from "../errors.js";
import { TemplateLoader, type FoundTemplate } from "./loader.js";
import { limitIncludeDepth, type DepthGuard } from "./include-depth.js";
import { installJinja, addJinjaBuiltins } from "./jinja/index.js";
import { htmlToText } from "../markdown/index.js";

/** Quire's own default theme, the last place a template is looked for. */
export const BUILTIN_TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "templates");

export interface TemplateEngineOptions {
  /** The site's templates/ folder. */
  templatesDir: string;
  /** Fallback folder; defaults to Quire's built-in theme. */
  builtinDir?: string;
}

/** Finds and renders templates; one per site, reused for every request. */
export class TemplateEngine {
  readonly loader: TemplateLoader;
  readonly env: nunjucks.Environment;
  private fingerprintValue: string | undefined;
  private readonly depth: DepthGuard;

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
  }

  /** The template `name` for a category, or null; names starting with `_` are found too (callers decide routability). */
  find(name: string, category: string): FoundTemplate | null {
    return this.loader.find(name, category);
  }

  /** Renders a found template synchronously with this context. */
  render(template: FoundTemplate, context: Record<string, unknown>): string {
    this.depth.take();
    try {
      return this.env.render(template.name, context);
    } catch (err) {
      const tooDeep = this.depth.take();
      if (tooDeep) throw tooDeep;
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
    this.env.addGlobal(name, value);
  }

  /** Forgets compiled templates and lookups after a change under templates/. */
  invalidate(): void {
    this.loader.invalidate();
    this.fingerprintValue = undefined;
  }

  /** A fingerprint of the templates' bytes (part of every page-cache key). */
  fingerprint(): string {
    return (this.fingerprintValue ??= this.loader.fingerprint());
  }
}
