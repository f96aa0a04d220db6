/** `quire check` reads templates too: a template that does not parse, or names a filter, test or variable that
 *  exists nowhere, is a problem with its file and line, and the command exits 1. */
import { afterAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { FROM_SOURCE, QUIRE_BIN, REPO } from "../helpers/process.js";
import { serveSite } from "../helpers/http.js";
import { checkSiteTemplates } from "../../src/template/check.js";
import { loadSite } from "../../src/config/site.js";

const run = promisify(execFile);
const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

async function check(root: string) {
  try {
    const { stdout } = await run(process.execPath, [QUIRE_BIN, "check", "--site", root, "--json"], {
      env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE, QUIRE_SECRET: "x" },
    });
    return { code: 0, out: JSON.parse(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: JSON.parse(e.stdout) };
  }
}

const entry = { "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nA.\n" };

describe("quire check on templates", () => {
  it("reports parse errors and unknown filters, tests and variables with file and line, and exits 1", async () => {
    const root = makeSite({
      ...entry,
      "templates/index.html": "line 1\n{% for x in view.entries %}\n{{ x.title|shoutt }}\n{% endfor %}\n",
      "templates/entry.html": "{% if entry is awesome %}\n\n{{ no_such_global(entry) }}{% endif %}",
      "templates/broken.html": "ok\nok\n{% if x %}never closed\n",
      "templates/fine.html":
        "{% set n = 1 %}{% macro m(a, b=2) %}{{ a }}{{ b }}{{ caller() }}{% endmacro %}{% with y = n %}{{ y|shout }}{% endwith %}{{ m(1, b=3) }}{{ {'k': n}|tojson }}{% for a, b in [(1, 2)] if a recursive %}{{ loop.index }}{% endfor %}{{ get_view(count=2) }}",
      "extensions.mjs": "export const filters = { shout: (s) => String(s) + '!' };\n",
    });
    sites.push(root);
    const { code, out } = await check(root);
    expect(code).toBe(1);
    const problems = (out.problems as { code: string; file: string; line: number; message: string }[]).map(
      (p) => `${p.file}:${p.line}: ${p.message} (${p.code})`,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^templates\/broken\.html:3: does not parse: .*(endif|end of file)/),
      "templates/entry.html:1: unknown test `awesome` (E_TEMPLATE_UNKNOWN_NAME)",
      "templates/entry.html:3: unknown variable `no_such_global` (E_TEMPLATE_UNKNOWN_NAME)",
      "templates/index.html:3: unknown filter `shoutt` (E_TEMPLATE_UNKNOWN_NAME)",
    ]);
  });

  it("reports an extensions file that fails to load", async () => {
    const root = makeSite({ ...entry, "extensions.mjs": "export const filters = {\n  x: ,\n};\n" });
    sites.push(root);
    const { code, out } = await check(root);
    expect(code).toBe(1);
    expect(out.problems).toEqual([
      expect.objectContaining({ code: "E_EXTENSIONS", file: "extensions.mjs", line: 2 }),
    ]);
  });

  it("passes the default theme", async () => {
    const clean = await check(REPO);
    expect(clean.out.problems).toEqual([]);
  });

  it("knows every global a running site has", async () => {
    const root = makeSite({
      ...entry,
      "templates/index.html": "x",
    });
    sites.push(root);
    const server = await serveSite(root);
    try {
      const names = Object.keys(
        (server.site as unknown as { engine: { env: { globals: object } } }).engine.env.globals,
      );
      const uses = names.map((n) => `{{ ${n} }}`).join("");
      const probe = makeSite({ ...entry, "templates/all.html": uses });
      sites.push(probe);
      const loaded = loadSite({ site: probe, dataDir: join(probe, ".quire") });
      expect(await checkSiteTemplates(loaded.paths, loaded.config)).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
