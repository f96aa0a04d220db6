/** `quire new <dir>` and `quire new post`: a scaffolded site that runs as it is, and entries born with stable
 *  headers, in a temporary git repository. */
import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { parse as parseToml } from "smol-toml";
import { newCommand } from "../../src/cli/new-command.js";
import type { Output } from "../../src/cli/output.js";
import { validateConfig } from "../../src/config/schema.js";
import { derivedEntryId } from "../../src/content/entry-id.js";
import { parseDate } from "../../src/content/dates.js";
import { BUILTIN_TEMPLATES } from "../../src/template/engine.js";
import { buildSite } from "../../src/export/index.js";
import { QUIRE_VERSION } from "../../src/site.js";
import { REPO } from "../helpers/process.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "quire-new-"));
  dirs.push(d);
  return d;
}

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    line: (t) => lines.push(t),
    err: (t) => lines.push(t),
    json: (v) => lines.push(JSON.stringify(v)),
  };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });
}

describe("quire new <dir>", () => {
  it("scaffolds a site with content, the theme, settings and deploy files, ready to commit and build", async () => {
    const root = join(temp(), "my-notes");
    expect(newCommand([root], capture())).toBe(0);
    const files = readdirSync(root).sort();
    expect(files).toEqual([
      ".gitignore",
      "Procfile",
      "README.md",
      "app.json",
      "content",
      "package.json",
      "quire.toml",
      "static",
      "templates",
    ]);
    expect(readdirSync(join(root, "templates")).sort()).toEqual(readdirSync(BUILTIN_TEMPLATES).sort());
    expect(readFileSync(join(root, "Procfile"), "utf8")).toBe(
      "web: node node_modules/quire-blog/bin/quire.js serve\n",
    );
    expect(readFileSync(join(root, ".gitignore"), "utf8").split("\n")).toEqual(
      expect.arrayContaining([".quire/", "dist/", "node_modules/"]),
    );

    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    // By default the site takes Quire from the folder `quire new` ran from (test/cli/new-install.test.ts
    // installs and starts it).
    expect(pkg.dependencies).toEqual({ "quire-blog": `file:${relative(root, REPO)}` });
    expect(pkg.scripts).toMatchObject({ start: "exec quire serve", build: "quire index" });
    expect(JSON.parse(readFileSync(join(root, "app.json"), "utf8")).env.QUIRE_SECRET.generator).toBe(
      "secret",
    );

    const toml = parseToml(readFileSync(join(root, "quire.toml"), "utf8")) as Record<string, unknown>;
    const { config, errors, unknown } = validateConfig(toml);
    expect([errors, unknown]).toEqual([[], []]);
    expect(config.site.title).toBe("My notes");

    const post = readFileSync(join(root, "content", "blog", "hello-world.md"), "utf8");
    expect(post).toMatch(/^Title: Hello, world\nDate: .+\nEntry-ID: \d+\nUUID: [0-9a-f-]{36}\n\n/);

    git(root, "init", "-q");
    git(root, "add", "-A");
    expect(git(root, "status", "--porcelain")).toContain("A  content/blog/hello-world.md");
    const summary = await buildSite({ site: root, jobs: 1 });
    expect(summary.failures).toEqual([]);
    expect(git(root, "status", "--porcelain", "--ignored")).toMatch(/!! \.quire\/\n!! dist\//);
  });

  it("takes Quire from --from: a git URL or a version as given, a folder or tarball as a relative file: path", () => {
    const dependency = (from: string) => {
      const root = join(temp(), "site");
      expect(newCommand([root, "--from", from], capture())).toBe(0);
      return JSON.parse(readFileSync(join(root, "package.json"), "utf8")).dependencies["quire-blog"];
    };
    expect(dependency("git+https://git.example.com/quire.git#v0.1.0")).toBe(
      "git+https://git.example.com/quire.git#v0.1.0",
    );
    expect(dependency("github:example/quire")).toBe("github:example/quire");
    expect(dependency(`^${QUIRE_VERSION}`)).toBe(`^${QUIRE_VERSION}`);
    const tarball = join(temp(), "quire-blog-0.1.0.tgz");
    writeFileSync(tarball, "");
    // The site is <temp>/site, the tarball <other temp>/quire-blog-0.1.0.tgz.
    expect(dependency(tarball)).toBe(`file:../../${basename(dirname(tarball))}/quire-blog-0.1.0.tgz`);
    expect(dependency(REPO)).toMatch(/^file:(\.\.\/)+/);
  });

  it("refuses a --from that is not a Quire folder, a tarball, a git URL or a version, and writes nothing", () => {
    const notQuire = temp();
    writeFileSync(join(notQuire, "package.json"), '{"name":"quire"}');
    for (const [from, message] of [
      [notQuire, /expected a Quire checkout \(a package.json named quire-blog\), found one named quire/],
      ["no/such/folder", /not a folder or \.tgz here, a git URL .* or a version/],
      [join(notQuire, "package.json"), /a file must be a package tarball/],
    ] as const) {
      const root = join(temp(), "site");
      expect(() => newCommand([root, "--from", from], capture())).toThrow(message);
      expect(existsSync(root)).toBe(false);
    }
  });

  it("refuses a folder that is not empty", () => {
    const root = temp();
    writeFileSync(join(root, "notes.txt"), "mine");
    expect(() => newCommand([root], capture())).toThrow(/is not empty/);
    expect(readdirSync(root)).toEqual(["notes.txt"]);
  });
});

describe("quire new post", () => {
  function site(): string {
    const root = temp();
    mkdirSync(join(root, "content", "blog"), { recursive: true });
    writeFileSync(join(root, "quire.toml"), '[site]\ntimezone = "America/Los_Angeles"\n');
    return root;
  }

  it("writes an entry with Title, Date (site time zone), a free Entry-ID and a random UUID, and prints its path", () => {
    const root = site();
    const out = capture();
    expect(newCommand(["post", "A walk in the hills", "--category", "blog", "--site", root], out)).toBe(0);
    const file = join(root, "content", "blog", "a-walk-in-the-hills.md");
    const text = readFileSync(file, "utf8");
    const id = derivedEntryId("blog/a-walk-in-the-hills.md");
    expect(text).toContain(`Entry-ID: ${id}\n`);
    expect(text).toMatch(/\nUUID: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n/);
    const date = /\nDate: (.+)\n/.exec(text)![1]!;
    expect(date).toMatch(/-0[78]:00$/);
    expect(Math.abs(parseDate(date, "America/Los_Angeles") - Date.now())).toBeLessThan(60_000);
    expect(out.lines.join("\n")).toContain("a-walk-in-the-hills.md");
    expect(out.lines.join("\n")).toContain(`/blog/${id}-A-walk-in-the-hills`);
  });

  it("picks another ID when the path-derived one is taken, and never overwrites a file", () => {
    const root = site();
    const taken = derivedEntryId("blog/second-thoughts.md");
    writeFileSync(
      join(root, "content", "blog", "older.md"),
      `Title: Older\nDate: 2024-01-01 10:00:00+00:00\nEntry-ID: ${taken}\n\nText.\n`,
    );
    newCommand(["post", "Second thoughts", "--category", "blog", "--site", root], capture());
    const text = readFileSync(join(root, "content", "blog", "second-thoughts.md"), "utf8");
    expect(text).not.toContain(`Entry-ID: ${taken}\n`);
    expect(text).toContain(`Entry-ID: ${derivedEntryId("blog/second-thoughts.md", 1)}\n`);
    expect(() =>
      newCommand(["post", "Second thoughts", "--category", "blog", "--site", root], capture()),
    ).toThrow(/already exists/);
    expect(readFileSync(join(root, "content", "blog", "second-thoughts.md"), "utf8")).toBe(text);
  });

  it("writes to the root category by default and refuses category names that leave content/", () => {
    const root = site();
    newCommand(["post", "About", "--site", root], capture());
    expect(existsSync(join(root, "content", "about.md"))).toBe(true);
    expect(() => newCommand(["post", "X", "--category", "../out", "--site", root], capture())).toThrow(
      /not a category/,
    );
  });
});
