/** Jinja2 as Publ runs it, on top of Nunjucks: syntax, Python semantics, filters, tests and globals. */
import nunjucks from "@11ty/nunjucks";
import { installCallableLookup } from "../callable.js";
import { installSyntax } from "./syntax.js";
import { installCodegen } from "./codegen.js";
import { pythonMethodOf } from "./methods.js";
import { installHelpers } from "./helpers.js";
import { installImportCache } from "./import-cache.js";
import { jinjaFilters } from "./filters.js";
import { jinjaGlobals, jinjaTests } from "./tests.js";

export { truthy, pyStr, pyRepr, Namespace } from "./python.js";

let installed = false;

/** Patches Nunjucks' parser, compiler and run time into Jinja2's (process-wide; Quire has no other Nunjucks user). */
export function installJinja(): void {
  if (installed) return;
  installed = true;
  installCallableLookup(pythonMethodOf);
  const rt = nunjucks.runtime as unknown as { memberLookup: unknown };
  // Nunjucks' own compat layer gives slices; its member lookup would shadow objects' own `get`/`items`, so ours stays.
  const memberLookup = rt.memberLookup;
  nunjucks.installJinjaCompat();
  rt.memberLookup = memberLookup;
  installSyntax();
  installCodegen();
  installHelpers();
  installImportCache();
}

/** Adds Jinja's filters, tests and globals to an environment. */
export function addJinjaBuiltins(env: nunjucks.Environment): void {
  const e = env as unknown as {
    getFilter(n: string): any;
    getTest(n: string): any;
    addTest(n: string, fn: unknown): void;
  };
  for (const [name, fn] of Object.entries(jinjaFilters(e))) env.addFilter(name, fn);
  for (const [name, fn] of Object.entries(jinjaTests())) e.addTest(name, fn);
  for (const [name, value] of Object.entries(jinjaGlobals())) env.addGlobal(name, value);
}
