/** Issue 17, as a property: for generated sites (entries in nested categories with tags, dates, aliases and
 *  files, `Auth:` rules drawn from Publ's whole syntax, users.cfg groups), no URL Quire serves shows a reader
 *  a byte of an entry their rule refuses: not the entry's URLs, listings, tag, date and `?id=` pages, feeds,
 *  sitemap, nor `/_file/` files only that entry uses. Readers: signed out, and a bearer token in some groups.
 *  The page cache is on, so a page filled for one reader is offered to the next. Which reader may read
 *  what is worked out here from Publ's rule (rightmost matching term wins), apart from Quire's code. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite } from "../helpers/http.js";

const REPO = join(import.meta.dirname, "..", "..");
const RUNS = 10;
const MAX_URLS = 250;

const GROUPS = ["friends", "family", "work"] as const;
const TERMS = [...GROUPS, "admin", "*", "test:reader", "test:other", "mailto:x@example.com"];
const CATEGORIES = ["", "blog", "blog/sub", "photos"];
const TAGS = ["Red", "blue", "Green tea"];

interface GenEntry {
  category: string;
  rule: string | null;
  tags: string[];
  day: number;
  alias: boolean;
}

const term = fc.tuple(fc.boolean(), fc.constantFrom(...TERMS)).map(([deny, t]) => (deny ? `!${t}` : t));
const rule = fc.option(
  fc
    .tuple(fc.array(term, { minLength: 1, maxLength: 4 }), fc.constantFrom(" ", ", ", ","))
    .map(([ts, sep]) => ts.join(sep)),
  { freq: 3 },
);
const entryArb: fc.Arbitrary<GenEntry> = fc.record({
  category: fc.constantFrom(...CATEGORIES),
  rule,
  tags: fc.subarray(TAGS),
  day: fc.integer({ min: 1, max: 60 }),
  alias: fc.boolean(),
});
const siteArb = fc.record({
  // The first entry is public, so that every site has text some reader may see.
  entries: fc
    .array(entryArb, { minLength: 2, maxLength: 7 })
    .map(([first, ...rest]) => [{ ...first!, rule: null }, ...rest]),
  // The token reader's groups: which of them users.cfg puts test:reader in.
  readerGroups: fc.subarray([...GROUPS]),
  nested: fc.boolean(),
});

/** Publ's rule for one reader: an admin reads all; otherwise the rightmost term that matches decides. */
function admits(ruleText: string | null, reader: { identity: string; groups: Set<string> } | null): boolean {
  if (ruleText === null) return true;
  const terms = ruleText.split(/[\s,]+/).filter(Boolean);
  if (terms.length === 0) return true;
  if (reader?.groups.has("admin")) return true;
  let result = false;
  for (const t of terms) {
    const deny = t.startsWith("!");
    const name = deny ? t.slice(1) : t;
    if (name === "*") result = deny ? reader === null : reader !== null;
    else if (reader && (name === reader.identity || reader.groups.has(name))) result = !deny;
  }
  return result;
}

const marker = (i: number) => `PRIVMARK${i}Z`;

function siteFiles(entries: GenEntry[], readerGroups: string[], nested: boolean): Record<string, string> {
  // With `nested`, test:reader is in the groups through a group of groups, as users.cfg allows.
  const users = nested
    ? `[circle]\ntest:reader\n${GROUPS.map((g) => `[${g}]\n${readerGroups.includes(g) ? "circle\n" : ""}`).join("")}`
    : GROUPS.map((g) => `[${g}]\n${readerGroups.includes(g) ? "test:reader\n" : ""}`).join("");
  const files: Record<string, string> = {
    "quire.toml": '[site]\ntitle = "Property"\nbase_url = "https://example.test"\n[view]\ncount = 3\n',
    "users.cfg": `${users}[admin]\n`,
  };
  entries.forEach((e, i) => {
    const folder = e.category ? `content/${e.category}/` : "content/";
    const day = String(1 + (e.day % 28)).padStart(2, "0");
    const month = String(1 + Math.floor(e.day / 28)).padStart(2, "0");
    const headers = [
      `Title: Entry ${i} ${marker(i)}`,
      `Entry-ID: ${100 + i}`,
      `Date: 2024-${month}-${day} 12:00:00+00:00`,
      ...e.tags.map((t) => `Tag: ${t}`),
      ...(e.rule === null ? [] : [`Auth: ${e.rule}`]),
      ...(e.alias ? [`Path-Alias: /old/${i}.php`] : []),
    ];
    files[`${folder}e${i}.md`] =
      `${headers.join("\n")}\n\nBody ${marker(i)} with [its file](f${i}.txt).\n\n.....\n\nMore ${marker(i)}.\n`;
    files[`${folder}f${i}.txt`] = `File of entry ${i}: ${marker(i)}\n`;
  });
  return files;
}

/** The site's own URLs for the generated entries, before any link is followed. */
function seedUrls(entries: GenEntry[]): string[] {
  const urls = new Set(["/", "/feed", "/sitemap.xml", "/archive", "/?date=2024", "/?date=2024-01"]);
  for (const c of CATEGORIES.filter(Boolean)) {
    urls.add(`/${c}/`);
    urls.add(`/${c}/feed`);
    urls.add(`/${c}/?date=2024-02`);
  }
  for (const t of TAGS) urls.add(`/?tag=${encodeURIComponent(t)}`);
  entries.forEach((e, i) => {
    urls.add(`/${100 + i}`);
    urls.add(`/?id=${100 + i}`);
    if (e.category) urls.add(`/${e.category}/?id=${100 + i}`);
    urls.add(`/_file/${e.category ? `${e.category}/` : ""}f${i}.txt`);
    if (e.alias) urls.add(`/old/${i}.php`);
  });
  return [...urls];
}

const LINK = /(?:href|src)="((?:https:\/\/example\.test)?\/[^"#]*)"/g;

describe("no generated site lets a reader see an entry its rule refuses", () => {
  it("holds for signed-out readers and a bearer token, by every URL reachable on the site", async () => {
    await fc.assert(
      fc.asyncProperty(siteArb, async ({ entries, readerGroups, nested }) => {
        const root = makeSite(siteFiles(entries, readerGroups, nested), "quire-private-prop-");
        cpSync(join(REPO, "templates"), join(root, "templates"), { recursive: true });
        const server = await serveSite(root, { cache: true, env: { QUIRE_SECRET: "property-secret" } });
        try {
          const token = server.site.auth.token("test:reader", 3600);
          const readers = [
            { name: "signed out", headers: {} as Record<string, string>, who: null },
            {
              name: "test:reader",
              headers: { Authorization: `Bearer ${token}` },
              who: { identity: "test:reader", groups: new Set<string>(readerGroups) },
            },
          ];
          let readable = 0;
          for (const reader of readers) {
            const refused = entries.flatMap((e, i) => (admits(e.rule, reader.who) ? [] : [marker(i)]));
            const queue = seedUrls(entries);
            const seen = new Set(queue);
            for (let k = 0; k < queue.length && k < MAX_URLS; k++) {
              const url = queue[k]!;
              const res = await server.get(url, { headers: reader.headers });
              const body = await res.text();
              expect(res.status, `${reader.name} ${url}`).toBeLessThan(500);
              for (const m of refused) expect(body, `${reader.name} ${url} shows ${m}`).not.toContain(m);
              if (res.status === 200 && body.includes("PRIVMARK")) readable++;
              const next = res.headers.get("location");
              for (const link of [...body.matchAll(LINK)].map((m) => m[1]!).concat(next ? [next] : [])) {
                const path = link.replace(/^https:\/\/example\.test/, "").replace(/&amp;/g, "&");
                if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/static/")) continue;
                if (!seen.has(path)) {
                  seen.add(path);
                  queue.push(path);
                }
              }
            }
          }
          // The crawl reached entries' text at all: a site that answered nothing would prove nothing.
          expect(readable).toBeGreaterThan(0);
        } finally {
          await server.stop();
          removeSite(root);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
