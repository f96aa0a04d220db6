/** `quire check` for templates: every file under templates/ parses and compiles, and every filter, test and
 *  global it names exists (Jinja's, Quire's, Publ's or the site's extensions), reported with file and line. */
import nunjucks from "@11ty/nunjucks";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { QuireError } from "../errors.js";
import type { TemplateEngine } from "./engine.js";
import type { QuireConfig } from "../config/schema.js";

const { parser, compiler, nodes } = nunjucks as unknown as { parser: any; compiler: any; nodes: any };

/** Names every page's context has, besides the engine's globals. */
export const CONTEXT_NAMES = [
  "entry",
  "view",
  "category",
  "template",
  "error",
  "site",
  "user",
  "request",
  "login",
  "logout",
  "token_endpoint",
  "_rt",
];
/** Names Jinja binds by itself. */
const IMPLICIT = ["loop", "self", "caller", "varargs", "kwargs", "super", "True", "False", "None"];

interface Names {
  filters: { name: string; line: number }[];
  tests: { name: string; line: number }[];
  refs: { name: string; line: number }[];
  bound: Set<string>;
}

function walk(node: any, names: Names): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, names);
    return;
  }
  if (!(node instanceof nodes.Node)) return;
  const line = (node.lineno ?? 0) + 1;
  const bind = (t: any) => {
    if (t instanceof nodes.Symbol) names.bound.add(t.value);
    else if (t instanceof nodes.Array) t.children.forEach(bind);
  };
  switch (node.typename) {
    case "Symbol":
      names.refs.push({ name: node.value, line });
      return;
    case "Filter":
    case "FilterAsync":
      names.filters.push({ name: node.name.value, line });
      walk(node.args, names);
      return;
    case "Is": {
      const right = node.right;
      const name = right instanceof nodes.FunCall ? right.name.value : right.value;
      names.tests.push({ name, line });
      walk(node.left, names);
      if (right instanceof nodes.FunCall) walk(right.args, names);
      return;
    }
    case "Pair":
      // Keyword-argument and dict keys written as bare names are strings, not variables.
      if (!(node.key instanceof nodes.Symbol)) walk(node.key, names);
      walk(node.value, names);
      return;
    case "Set":
      node.targets.forEach((t: any) => (t instanceof nodes.Symbol ? bind(t) : walk(t, names)));
      walk(node.value, names);
      walk(node.body, names);
      return;
    case "For":
      bind(node.name);
      for (const f of ["arr", "body", "else_", "cond"]) walk(node[f], names);
      return;
    case "With":
      node.targets.forEach((ts: any[]) => ts.forEach(bind));
      walk(node.values, names);
      walk(node.body, names);
      return;
    case "Macro":
    case "Caller":
      bind(node.name);
      for (const a of node.args.children) {
        if (a instanceof nodes.Symbol) bind(a);
        else if (a instanceof nodes.Dict || a instanceof nodes.KeywordArgs)
          for (const p of a.children) {
            bind(p.key);
            walk(p.value, names);
          }
        else walk(a, names);
      }
      walk(node.body, names);
      return;
    case "Import":
      bind(node.target);
      walk(node.template, names);
      return;
    case "FromImport":
      for (const n of node.names.children) bind(n instanceof nodes.Pair ? n.value : n);
      walk(node.template, names);
      return;
    case "Block":
      walk(node.body, names);
      return;
    default:
      for (const f of node.fields) walk(node[f], names);
  }
}

function templateFiles(dir: string, rel = ""): string[] {
  let out: string[] = [];
  let entries;
  try {
    entries = readdirSync(join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (d.name.startsWith(".")) continue;
    const child = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out = out.concat(templateFiles(dir, child));
    else if (d.isFile()) out.push(child);
  }
  return out;
}

/** Checks every template of a site; `extraGlobals` are names the running site adds (Publ's API). */
export function checkTemplates(
  engine: TemplateEngine,
  templatesDir: string,
  extraGlobals: Iterable<string> = [],
): QuireError[] {
  const env = engine.env as unknown as {
    filters: Record<string, unknown>;
    asyncFilters: string[];
    tests: Record<string, unknown>;
    globals: Record<string, unknown>;
    extensionsList: unknown[];
    opts: Record<string, unknown>;
  };
  const problems: QuireError[] = [];
  const parsed: { rel: string; names: Names }[] = [];
  const boundAnywhere = new Set<string>([
    ...CONTEXT_NAMES,
    ...IMPLICIT,
    ...Object.keys(env.globals),
    ...extraGlobals,
  ]);
  for (const rel of templateFiles(templatesDir)) {
    const buf = readFileSync(join(templatesDir, rel));
    if (buf.includes(0)) continue;
    const src = buf.toString("utf8");
    const file = `templates/${rel}`;
    try {
      const ast = parser.parse(src, env.extensionsList, env.opts);
      compiler.compile(src, env.asyncFilters, env.extensionsList, rel, env.opts);
      const names: Names = { filters: [], tests: [], refs: [], bound: new Set() };
      walk(ast, names);
      for (const b of names.bound) boundAnywhere.add(b);
      parsed.push({ rel, names });
    } catch (err) {
      const e = err as Error & { lineno?: number };
      const message = e.message
        .replace(/^\(unknown path\)\s*/, "")
        .replace(/\s*\[Line \d+, Column \d+\]\s*/, " ")
        .trim();
      // Nunjucks gives no position for a tag left open at the end; the last line is where the author looks.
      const lastLine = src.split("\n").length - (src.endsWith("\n") ? 1 : 0);
      const line = e.lineno ?? (/end of file/.test(message) ? lastLine : undefined);
      problems.push(new QuireError("E_TEMPLATE", `does not parse: ${message}`, { file, line, cause: err }));
    }
  }
  for (const { rel, names } of parsed) {
    const file = `templates/${rel}`;
    const seen = new Set<string>();
    const report = (kind: string, name: string, line: number) => {
      const key = `${kind}\0${name}\0${line}`;
      if (seen.has(key)) return;
      seen.add(key);
      problems.push(
        new QuireError("E_TEMPLATE_UNKNOWN_NAME", `unknown ${kind} \`${name}\``, { file, line, field: name }),
      );
    };
    for (const f of names.filters) if (!(f.name in env.filters)) report("filter", f.name, f.line);
    for (const t of names.tests) if (!(t.name in env.tests)) report("test", t.name, t.line);
    for (const r of names.refs) if (!boundAnywhere.has(r.name)) report("variable", r.name, r.line);
  }
  return problems;
}

/** Checks a site's templates as `quire check` does: its extensions load, then every template (see checkTemplates). */
export async function checkSiteTemplates(
  paths: { root: string; templatesDir: string },
  config: QuireConfig,
): Promise<QuireError[]> {
  const { TemplateEngine } = await import("./engine.js");
  const { templateGlobals } = await import("./globals.js");
  let engine: TemplateEngine;
  const problems: QuireError[] = [];
  try {
    engine = new TemplateEngine({ templatesDir: paths.templatesDir, siteRoot: paths.root });
  } catch (err) {
    if (!(err instanceof QuireError)) throw err;
    problems.push(err);
    engine = new TemplateEngine({ templatesDir: paths.templatesDir });
  }
  // The globals a running site adds; only their names matter here.
  // (`search` is added by the site beside them, from search/.)
  const siteGlobals = [
    ...Object.keys(templateGlobals({ config, baseUrl: "" }, undefined as never)),
    "search",
  ];
  return [...problems, ...checkTemplates(engine, paths.templatesDir, siteGlobals)];
}
