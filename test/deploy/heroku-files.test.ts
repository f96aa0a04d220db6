/**
 * The deploy files agree with the code: the Procfile starts the server without building, `build` compiles and
 * indexes, app.json generates the secret, and every variable and setting the deploy guides name is one Quire reads.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCHEMA } from "../../src/config/schema.js";
import { REPO } from "../helpers/process.js";

const read = (path: string) => readFileSync(join(REPO, path), "utf8");

interface AppJson {
  env: Record<string, { description?: string; value?: string; required?: boolean; generator?: string }>;
  addons?: Array<{ plan: string }>;
}

/** The text of every TypeScript file under src/. */
function sourceText(): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory()) walk(join(dir, d.name));
      else if (d.name.endsWith(".ts")) parts.push(readFileSync(join(dir, d.name), "utf8"));
    }
  };
  walk(join(REPO, "src"));
  return parts.join("\n");
}

/** Environment variable names in a text: Quire's own and the add-ons' (not `BUCKETEER_*` wildcards). */
function variablesIn(text: string): string[] {
  const names = text.match(
    /\b(?:QUIRE|AWS|BUCKETEER|CLOUDCUBE|MEMCACHIER|MEMCACHEDCLOUD)_[A-Z0-9_]*[A-Z0-9]\b|\bMEMCACHE_SERVERS\b/g,
  );
  return [...new Set(names ?? [])].sort();
}

describe("Heroku and server deploy files", () => {
  it("Procfile runs the compiled server directly: nothing is built at start", () => {
    expect(read("Procfile").trim()).toBe("web: node bin/quire.js serve");
  });

  it("the build script compiles, then builds the index into the slug", () => {
    const pkg = JSON.parse(read("package.json")) as {
      scripts: Record<string, string>;
      engines: { node: string };
    };
    expect(pkg.scripts.build).toBe("tsc -b tsconfig.build.json && node bin/quire.js index --site .");
    // heroku-postbuild would replace `build` on Heroku.
    expect(pkg.scripts["heroku-postbuild"]).toBeUndefined();
    expect(pkg.engines.node).toMatch(/20\.x/);
  });

  it("app.json generates QUIRE_SECRET, sets the memory settings, describes every variable and adds memcached", () => {
    const app = JSON.parse(read("app.json")) as AppJson;
    expect(app.env.QUIRE_SECRET?.generator).toBe("secret");
    expect(app.env.MALLOC_ARENA_MAX?.value).toBe("2");
    expect(app.env.NODE_OPTIONS?.value).toBe("--max-semi-space-size=8");
    for (const [name, spec] of Object.entries(app.env)) expect(spec.description, name).toBeTruthy();
    expect(app.addons?.map((a) => a.plan)).toContain("memcachier:dev");
  });

  it("every variable named in app.json and the deploy guides is one Quire reads", () => {
    const source = sourceText();
    const named = variablesIn(
      [read("app.json"), read("docs/deploy-heroku.md"), read("docs/deploy-vps.md")].join("\n"),
    );
    expect(named.length).toBeGreaterThan(15);
    const unread = named.filter((name) => !source.includes(`"${name}"`) && !source.includes(`env.${name}`));
    expect(unread).toEqual([]);
  });

  it("every quire.toml setting the guides name exists", () => {
    const guides = read("docs/deploy-heroku.md") + read("docs/deploy-vps.md");
    const settings = [...guides.matchAll(/`\[(\w+)\] (\w+)`/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(settings.length).toBeGreaterThan(1);
    for (const [section, key] of settings) {
      expect(Object.keys((SCHEMA as Record<string, object>)[section] ?? {}), `[${section}] ${key}`).toContain(
        key,
      );
    }
    expect(guides).toMatch(/\[content\]\nwatch = true/);
    expect(Object.keys(SCHEMA.content)).toContain("watch");
  });
});
