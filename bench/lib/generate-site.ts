/**
 * Generates a Publ-style site for benches: N entries of ~300 words of varied Markdown over categories and
 * subcategories, Publ headers or YAML front matter, a few images. Seeded, so every run writes the same bytes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { makeBody, makeTitle } from "./entry-text.js";
import { benchImages, IMAGE_COUNT } from "./images.js";
import { Prng } from "./prng.js";

/** One folder under content/ and how many entries it holds. */
export interface CategoryPlan {
  /** Relative to content/, e.g. "travel" or "travel/europe". */
  path: string;
  entries: number;
}

/** What to generate; every field has a default that matches the benches. */
export interface SiteOptions {
  /** Total entries for the standard layout (default 10,000); ignored when `categories` is given. */
  entries?: number;
  /** An explicit layout, e.g. `sizeComparisonLayout()`. */
  categories?: readonly CategoryPlan[];
  headerStyle?: "publ" | "yaml";
  seed?: number;
  /** Approximate words of prose per entry (default 300). */
  words?: number;
  /** Shares of entries with a fenced code block, a table, a `.....` cut, an image (defaults 0.35, 0.15, 0.3, 0.05). */
  codeShare?: number;
  tableShare?: number;
  cutShare?: number;
  imageShare?: number;
  /**
   * Every entry gets the same body and the same number of tags (titles, dates and IDs still differ),
   * so two entry pages cost the same to render and only their surroundings differ.
   */
  uniform?: boolean;
  /** `[cache] enabled` in quire.toml; left to Quire's default when undefined. */
  cache?: boolean;
  /** Extra TOML appended to quire.toml. */
  extraToml?: string;
}

/** What was written. */
export interface GeneratedSite {
  root: string;
  contentDir: string;
  entries: number;
  categories: string[];
  entriesWithImages: number;
  bytes: number;
  ms: number;
}

/** Ten top-level categories, three of them with a subcategory. */
const STANDARD_FOLDERS = [
  "essays",
  "notes",
  "travel",
  "travel/europe",
  "recipes",
  "code",
  "code/rust",
  "photos",
  "music",
  "books",
  "books/fiction",
  "garden",
  "links",
];

const TAGS = (
  "Bread Coffee Tea Trains Rivers Gardens Winter Summer Autumn Spring Lisbon Porto Kyoto Oslo Paris " +
  "Rust TypeScript Python Go SQLite Caching Indexing Templates Markdown Images Fonts Typography Design " +
  "Walking Cycling Sailing Maps Weather Birds Trees Books Fiction Poetry Letters Music Piano Jazz Film " +
  "Photography Cooking Family Work Tools Habits Notes"
).split(" ");

const OFFSETS = ["-08:00", "-05:00", "+00:00", "+01:00", "+09:00", ""];
const FIRST_DATE = Date.UTC(2016, 0, 1);
const LAST_DATE = Date.UTC(2024, 11, 31);

/** The default layout: `entries` spread evenly over the standard folders. */
export function standardLayout(entries = 10_000): CategoryPlan[] {
  return STANDARD_FOLDERS.map((path, i) => ({
    path,
    entries: Math.floor(entries / STANDARD_FOLDERS.length) + (i < entries % STANDARD_FOLDERS.length ? 1 : 0),
  }));
}

/** For the entry-page-size comparison: one category of `big` entries and one of `small`. */
export function sizeComparisonLayout(big = 10_000, small = 100): CategoryPlan[] {
  return [
    { path: "big", entries: big },
    { path: "small", entries: small },
  ];
}

/** Writes a site (content/, templates/, static/, quire.toml) under `root`, which must be empty or absent. */
export async function generateSite(root: string, options: SiteOptions = {}): Promise<GeneratedSite> {
  const started = performance.now();
  const layout = options.categories ?? standardLayout(options.entries ?? 10_000);
  const rng = new Prng(options.seed ?? 20_160_101);
  const contentDir = join(root, "content");
  for (const dir of ["templates", "static", "content/images"])
    mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, "quire.toml"), siteToml(options));

  let bytes = 0;
  const images = await benchImages();
  images.forEach((jpeg, i) => writeFileSync(join(contentDir, "images", `pic${i + 1}.jpg`), jpeg));

  const total = layout.reduce((n, c) => n + c.entries, 0);
  // Every other entry carries an explicit Entry-ID; those are the IDs bodies may link to.
  const linkable = Array.from({ length: Math.ceil(total / 2) }, (_, k) => explicitId(k * 2));
  const slots = interleave(layout);
  const used = new Set<string>();
  let withImages = 0;
  const uniformBody = options.uniform
    ? makeBody(new Prng(42), {
        words: options.words ?? 300,
        cut: true,
        code: true,
        table: true,
        linkableIds: linkable,
      })
    : undefined;
  for (const plan of layout) {
    mkdirSync(join(contentDir, plan.path), { recursive: true });
    const top = plan.path.split("/")[0] as string;
    if (!used.has(top)) {
      used.add(top);
      writeFileSync(
        join(contentDir, top, `${top}.cat`),
        `Name: ${capital(top)}\nSort-Name: ${top}\n\nAll about ${top}.\n`,
      );
    }
  }
  for (let i = 0; i < slots.length; i++) {
    const folder = slots[i] as string;
    const depth = folder.split("/").length;
    const title = makeTitle(rng);
    const hasImage = !uniformBody && rng.chance(options.imageShare ?? 0.05);
    const image = hasImage
      ? `![${title}](${"../".repeat(depth)}images/pic${rng.int(1, IMAGE_COUNT)}.jpg{640})`
      : undefined;
    if (hasImage) withImages++;
    const headers: Headers = {
      title,
      date: randomDate(rng),
      id: i % 2 === 0 ? explicitId(i) : null,
      uuid: rng.chance(0.3) ? rng.uuid() : null,
      tags: rng.sample(TAGS, uniformBody ? 2 : rng.int(0, 3)),
    };
    const body =
      uniformBody ??
      makeBody(rng, {
        words: options.words ?? 300,
        cut: rng.chance(options.cutShare ?? 0.3),
        code: rng.chance(options.codeShare ?? 0.35),
        table: rng.chance(options.tableShare ?? 0.15),
        image,
        linkableIds: linkable,
      });
    const text = (options.headerStyle === "yaml" ? yamlHeaders(headers) : publHeaders(headers)) + body;
    bytes += Buffer.byteLength(text);
    writeFileSync(join(contentDir, folder, `${slugify(title)}-${i}.md`), text);
  }
  return {
    root,
    contentDir,
    entries: total,
    categories: layout.map((c) => c.path),
    entriesWithImages: withImages,
    bytes,
    ms: performance.now() - started,
  };
}

interface Headers {
  title: string;
  date: string;
  id: number | null;
  uuid: string | null;
  tags: string[];
}

function explicitId(i: number): number {
  return 1000 + i;
}

function publHeaders(h: Headers): string {
  const lines = [`Title: ${h.title}`, `Date: ${h.date}`];
  if (h.id !== null) lines.push(`Entry-ID: ${h.id}`);
  if (h.uuid) lines.push(`UUID: ${h.uuid}`);
  for (const tag of h.tags) lines.push(`Tag: ${tag}`);
  return `${lines.join("\n")}\n\n`;
}

function yamlHeaders(h: Headers): string {
  const lines = ["---", `title: ${JSON.stringify(h.title)}`, `date: ${h.date}`];
  if (h.id !== null) lines.push(`id: ${h.id}`);
  if (h.uuid) lines.push(`uuid: ${h.uuid}`);
  if (h.tags.length > 0) lines.push(`tags: [${h.tags.map((t) => JSON.stringify(t)).join(", ")}]`);
  return `${lines.join("\n")}\n---\n`;
}

/** Entries of all folders in a fixed round-robin order, so each folder's entries spread over the dates. */
function interleave(layout: readonly CategoryPlan[]): string[] {
  const left = layout.map((c) => c.entries);
  const out: string[] = [];
  let remaining = left.reduce((a, b) => a + b, 0);
  while (remaining > 0) {
    layout.forEach((c, k) => {
      if ((left[k] as number) > 0) {
        out.push(c.path);
        left[k] = (left[k] as number) - 1;
        remaining--;
      }
    });
  }
  return out;
}

function randomDate(rng: Prng): string {
  const t = new Date(FIRST_DATE + Math.floor(rng.next() * (LAST_DATE - FIRST_DATE)));
  const iso = t.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${rng.pick(OFFSETS)}`;
}

function siteToml(options: SiteOptions): string {
  const lines = ["[site]", 'title = "Quire bench site"', 'base_url = "http://127.0.0.1"'];
  if (options.cache !== undefined) lines.push("", "[cache]", `enabled = ${options.cache}`);
  if (options.extraToml) lines.push("", options.extraToml);
  return `${lines.join("\n")}\n`;
}

function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
