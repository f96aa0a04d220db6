/** `quire new <dir>` scaffolds a site ready to run and deploy; `quire new post "Title"` writes an entry with
 *  its Title, Date, Entry-ID and UUID already filled, so its permalink never depends on write-back. */
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { loadSite } from "../config/site.js";
import { SCHEMA } from "../config/schema.js";
import { openIndex, refreshIndex } from "../db/index.js";
import { derivedEntryId } from "../content/entry-id.js";
import { formatDate } from "../content/dates.js";
import { slugify } from "../markdown/index.js";
import { BUILTIN_TEMPLATES } from "../template/engine.js";
import { entryPath } from "../template/urls.js";
import { entrySlug, type SlugStyle } from "../content/slug.js";
import { QuireError } from "../errors.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import { PACKAGE_NAME, quireDependency } from "./package-source.js";
import type { Output } from "./output.js";

/** The flags `quire new` takes (described in usage.ts). */
export const NEW_OPTIONS = {
  ...SITE_OPTIONS,
  category: { type: "string", short: "c" },
  title: { type: "string" },
  from: { type: "string" },
} as const;

/** `quire new <dir>` or `quire new post "Title" [--category c] [--site DIR]`. */
export function newCommand(argv: string[], out: Output): number {
  const { values, positionals } = parseCommand(argv, NEW_OPTIONS, "new");
  if (values.help || positionals.length === 0) {
    out.line(
      "usage: quire new <dir> [--from SOURCE]                   scaffold a new site in an empty folder",
    );
    out.line(
      '       quire new post "Title" [--category c] [--site DIR]  write a new entry with its headers filled in',
    );
    return values.help ? 0 : 2;
  }
  if (positionals[0] === "post") {
    const title = positionals.slice(1).join(" ") || values.title;
    if (!title) throw new QuireError("E_USAGE", 'give the title, e.g. quire new post "A walk in the hills"');
    return newPost(title, { site: values.site, data: values.data, category: values.category }, out);
  }
  if (positionals.length > 1)
    throw new QuireError("E_USAGE", `one folder at a time, not ${positionals.join(" ")}`);
  return newSite(positionals[0]!, out, values.from);
}

/** Writes a new entry file and prints its path; never overwrites. */
export function newPost(
  title: string,
  options: { site?: string; data?: string; category?: string },
  out: Output,
): number {
  const clean = title.trim();
  if (clean === "" || /[\r\n]/.test(clean))
    throw new QuireError("E_USAGE", "the title must be one line of text");
  const site = loadSite({ site: options.site, dataDir: options.data });
  const category = (options.category ?? "").replace(/^\/+|\/+$/g, "");
  if (category.split("/").some((s) => s === "." || s === ".." || s.startsWith(".") || s.startsWith("_"))) {
    throw new QuireError("E_USAGE", `"${category}" is not a category folder name`, {
      field: "--category",
    });
  }
  const slug = slugify(clean) || "untitled";
  const file = category ? `${category}/${slug}.md` : `${slug}.md`;
  const abs = join(site.paths.contentDir, file);
  if (existsSync(abs)) {
    throw new QuireError("E_SITE", "already exists; choose another title (or --category)", {
      file: `content/${file}`,
    });
  }
  const settings = { timeZone: site.config.site.timezone, slugStyle: site.config.content.slug_style };
  const id = freeEntryId(site.paths.indexPath, site.paths.contentDir, settings, file);
  mkdirSync(join(site.paths.contentDir, category), { recursive: true });
  writeFileSync(abs, entryText(clean, id, formatDate(Date.now(), site.config.site.timezone)), { flag: "wx" });
  const shown = relative(process.cwd(), abs) || abs;
  const urlSlug = entrySlug({ title: clean, slugText: null }, settings.slugStyle);
  out.line(`${shown}  (${entryPath({ id, slug: urlSlug, category, pathCanonical: null })})`);
  return 0;
}

/** A new entry in Publ's header style, every header Quire would otherwise stamp already there. */
function entryText(title: string, id: number, date: string, body = PLACEHOLDER): string {
  return `Title: ${title}\nDate: ${date}\nEntry-ID: ${id}\nUUID: ${randomUUID()}\n\n${body}`;
}

const PLACEHOLDER =
  "Write the entry here. Text above a line of five dots (.....) is what index pages and feeds show first.\n";

const FIRST_POST = `This is the first entry of the site: content/blog/hello-world.md. Edit it, or write the next one with

    npx quire new post "A title" --category blog

which fills in the Title, Date, Entry-ID and UUID headers for you.

.....

Everything below the line of five dots is shown on the entry's own page only. The theme is in templates/,
yours to change; the settings are in quire.toml.
`;

/** The path-derived ID of a new file, probing past every ID the site already uses. */
function freeEntryId(
  indexPath: string,
  contentDir: string,
  settings: { timeZone: string; slugStyle: SlugStyle },
  file: string,
): number {
  let taken: Set<number>;
  const { db } = openIndex({ path: indexPath });
  try {
    refreshIndex({ db, contentDir, ...settings, writeBack: false });
    taken = new Set((db.prepare("SELECT id FROM entries").all() as { id: number }[]).map((r) => r.id));
  } finally {
    db.close();
  }
  let attempt = 0;
  let id = derivedEntryId(file, attempt);
  while (taken.has(id)) id = derivedEntryId(file, ++attempt);
  return id;
}

/** Scaffolds a site in `dir` (absent or empty): content with a first post, the default theme, deploy files;
 *  its package.json takes Quire from `from` (see quireDependency). */
export function newSite(dir: string, out: Output, from?: string): number {
  const root = resolve(dir);
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new QuireError("E_SITE", "is not empty; give a new or empty folder", { file: root });
  }
  const dependency = quireDependency(root, from);
  const name = basename(root);
  const title = name.replace(/[-_]+/g, " ").replace(/^\w/, (c) => c.toUpperCase());
  const write = (rel: string, text: string) => {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text, { flag: "wx" });
  };
  mkdirSync(root, { recursive: true });
  cpSync(BUILTIN_TEMPLATES, join(root, "templates"), { recursive: true });
  write("static/.gitkeep", "");
  write("quire.toml", quireToml(title));
  write(
    "content/blog/blog.cat",
    `Name: Blog\n\nWhat ${title} is about, in a sentence or two (this is content/blog/blog.cat).\n`,
  );
  // Node itself, not npm or npx: the dyno's SIGTERM reaches the server, and npx never fetches a package.
  write("Procfile", `web: node node_modules/${PACKAGE_NAME}/bin/quire.js serve\n`);
  write(".gitignore", ".quire/\ndist/\nnode_modules/\n");
  write("package.json", `${JSON.stringify(packageJson(name, dependency), null, 2)}\n`);
  write("app.json", `${JSON.stringify(appJson(title), null, 2)}\n`);
  write("README.md", readme(title, dependency));
  // An empty site has no IDs to collide with: the path-derived ID is free.
  write(
    "content/blog/hello-world.md",
    entryText(
      "Hello, world",
      derivedEntryId("blog/hello-world.md"),
      formatDate(Date.now(), "UTC"),
      FIRST_POST,
    ),
  );
  out.line(`created ${title} in ${relative(process.cwd(), root) || root}`);
  out.line(`Quire comes from "${PACKAGE_NAME}": "${dependency}" in its package.json (--from to choose)`);
  out.line(`next: cd ${relative(process.cwd(), root) || root} && npm install && npx quire serve --dev`);
  return 0;
}

/** quire.toml with every setting, commented out at its default, each with its description. */
export function quireToml(title: string): string {
  const lines = [
    "# This site's settings. Every key is optional: a commented-out line shows the default.",
    "# Ports, secrets, memcached and S3 come from environment variables (see Quire's README).",
    "",
  ];
  for (const [section, keys] of Object.entries(SCHEMA)) {
    lines.push(`[${section}]`);
    for (const [key, spec] of Object.entries(keys) as [string, { default: unknown; doc: string }][]) {
      lines.push(`# ${spec.doc}`);
      if (section === "site" && key === "title") lines.push(`title = ${JSON.stringify(title)}`);
      // Production needs the public address; leaving it out is reported at start and by `quire check`.
      else if (section === "site" && key === "base_url")
        lines.push(`# base_url = "https://blog.example.com"`);
      else lines.push(`# ${key} = ${tomlValue(spec.default)}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function tomlValue(value: unknown): string {
  if (value === null) return "true";
  if (typeof value === "object") return "{}";
  return JSON.stringify(value);
}

function packageJson(name: string, dependency: string) {
  return {
    name: slugify(name).replace(/[^a-z0-9-]/g, "") || "quire-site",
    private: true,
    description: "A site published with Quire",
    scripts: {
      // exec: npm's shell gives way to the server, so a SIGTERM sent to npm stops the server too.
      start: "exec quire serve",
      dev: "quire serve --dev",
      build: "quire index",
      export: "quire build",
      check: "quire check",
    },
    dependencies: { [PACKAGE_NAME]: dependency },
    engines: { node: ">=20" },
  };
}

function appJson(title: string) {
  return {
    name: title,
    description: "A site published with Quire",
    buildpacks: [{ url: "heroku/nodejs" }],
    env: {
      QUIRE_SECRET: { description: "Signs image URLs; the same on every dyno", generator: "secret" },
      MALLOC_ARENA_MAX: {
        description:
          "Limits glibc's per-thread memory pools so image processing stays within the dyno's memory",
        value: "2",
      },
      NODE_OPTIONS: {
        description:
          "Caps V8's young generation at 16 MB: about 16 MB less memory under load for the same speed",
        value: "--max-semi-space-size=8",
      },
      QUIRE_BASE_URL: {
        description:
          "Your site's public address, e.g. https://blog.example.com or https://<app>-<id>.herokuapp.com (heroku domains shows it), for canonical links, feeds and the sitemap. Leave empty to use site.base_url from quire.toml or Heroku's dyno metadata (heroku labs:enable runtime-dyno-metadata); with neither, links are relative and Quire warns at start.",
        required: false,
      },
    },
  };
}

function readme(title: string, dependency: string): string {
  const local = dependency.startsWith("file:")
    ? `\nThat is a folder on this machine: before deploying, point the dependency at a source the server can reach
too, e.g. \`npm install ${PACKAGE_NAME}@git+https://…\` (a git URL of Quire) or a published version.\n`
    : "";
  return `# ${title}

A site published with Quire.

    npm install
    npx quire serve --dev          # http://localhost:3000, reloads as you edit
    npx quire new post "A title" --category blog
    npx quire check                # every problem in content/, before you publish
    npx quire build                # the whole site as static files in dist/

Entries are Markdown files in \`content/\` (one folder per category); the theme is in \`templates/\`,
files served as they are in \`static/\`, and the settings in \`quire.toml\`. \`git push heroku\` deploys it
(\`Procfile\`, \`app.json\`); \`npm run build\` indexes the content at deploy time.

Quire is the npm package \`${PACKAGE_NAME}\`, here \`"${PACKAGE_NAME}": "${dependency}"\` in package.json.
${local}`;
}
