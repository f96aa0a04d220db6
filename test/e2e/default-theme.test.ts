/** The default theme's non-HTML outputs and escaping, through a real `quire serve` on a small site with no
 *  templates of its own: the Atom feed (with tombstones), the sitemap, robots.txt, the stylesheet, tag,
 *  date and archive pages, and error pages. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XMLParser } from "fast-xml-parser";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuire, type RunningQuire } from "../helpers/server.js";

const UUID = {
  first: "0d9a5a4e-1f5e-4b43-9d3c-5f0c2a9b7e01",
  second: "0d9a5a4e-1f5e-4b43-9d3c-5f0c2a9b7e02",
  trip: "0d9a5a4e-1f5e-4b43-9d3c-5f0c2a9b7e03",
  gone: "0d9a5a4e-1f5e-4b43-9d3c-5f0c2a9b7e04",
  hidden: "0d9a5a4e-1f5e-4b43-9d3c-5f0c2a9b7e05",
};

const FILES: Record<string, string> = {
  "quire.toml": `[site]
title = "Tom & Jerry's <Blog>"
description = "Cats, mice & \\"quotes\\""
author = "Tom"
timezone = "Europe/Paris"
`,
  "content/blog/blog.cat": "Name: The Blog\n\nEverything we write.\n",
  "content/blog/first.md": `Title: Fish & chips, 2 < 3
Date: 2024-11-02 10:00:00
Entry-ID: 201
UUID: ${UUID.first}
Tag: Food

Above the cut, with a [link to the second entry](202) and a note.[^1]

.....

## Below the cut

\`\`\`js
const answer = 42; // the answer
\`\`\`

[^1]: The note.
`,
  "content/blog/second.md": `Title: Second entry
Date: 2025-01-15 09:00:00
Last-Modified: 2025-02-01 12:00:00
Entry-ID: 202
UUID: ${UUID.second}
Tag: Food
Tag: Travel

No cut here; the whole entry shows everywhere.
`,
  "content/blog/travel/trip.md": `Title: A trip
Date: 2025-01-20 08:00:00
Entry-ID: 203
UUID: ${UUID.trip}
Tag: Travel

On the road.
`,
  "content/blog/removed.md": `Title: Removed
Date: 2024-12-01 08:00:00
Last-Modified: 2025-01-02 08:00:00
Entry-ID: 204
UUID: ${UUID.gone}
Status: GONE

This entry was taken down.
`,
  "content/hidden.md": `Title: Hidden page
Date: 2024-10-01 08:00:00
Entry-ID: 205
UUID: ${UUID.hidden}
Status: HIDDEN

Not listed.
`,
};

const xml = new XMLParser({
  ignoreAttributes: false,
  htmlEntities: true,
  attributeNamePrefix: "@",
  isArray: (name) => ["entry", "url", "link", "category", "at:deleted-entry"].includes(name),
});

type Node = Record<string, unknown>;

describe("the default theme's feed, sitemap and pages", () => {
  let site: string;
  let quire: RunningQuire;
  const get = async (path: string) => {
    const res = await fetch(quire.url + path, { redirect: "manual" });
    return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text() };
  };

  beforeAll(async () => {
    site = makeSite(FILES, "quire-theme-");
    quire = await startQuire({ site });
  });

  afterAll(async () => {
    await quire?.stop();
    if (site) removeSite(site);
  });

  it("/feed is Atom 1.0 with absolute URLs, urn:uuid ids, full HTML content and tombstones", async () => {
    const res = await get("/feed");
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/atom\+xml/);
    expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed')).toBe(true);
    const feed = xml.parse(res.body).feed as Node;

    expect(feed["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(feed["@xmlns:at"]).toBe("http://purl.org/atompub/tombstones/1.0");
    expect(feed.title).toBe("Tom & Jerry's <Blog>");
    expect(feed.id).toBe(`${quire.url}/feed`);
    expect(Date.parse(feed.updated as string)).toBe(Date.parse("2025-02-01T12:00:00+01:00"));
    const links = feed.link as Node[];
    expect(links.find((l) => l["@rel"] === "self")?.["@href"]).toBe(`${quire.url}/feed`);
    expect((feed.author as Node).name).toBe("Tom");

    const entries = feed.entry as Node[];
    expect(entries.map((e) => e.id)).toEqual([
      `urn:uuid:${UUID.trip}`,
      `urn:uuid:${UUID.second}`,
      `urn:uuid:${UUID.first}`,
    ]);
    for (const entry of entries) {
      const href = (entry.link as Node[])[0]!["@href"] as string;
      expect(href.startsWith(`${quire.url}/blog/`)).toBe(true);
      expect(Number.isNaN(Date.parse(entry.updated as string))).toBe(false);
      expect(Number.isNaN(Date.parse(entry.published as string))).toBe(false);
      expect((entry.content as Node)["@type"]).toBe("html");
    }

    const first = entries[2]!;
    expect((first.title as Node)["#text"] ?? first.title).toBe("Fish &amp; chips, 2 &lt; 3");
    const html = String((first.content as Node)["#text"]);
    // The whole entry (above and below the cut) as HTML, its links absolute, its note included.
    expect(html).toContain("Above the cut");
    expect(html).toContain("Below the cut");
    expect(html).toContain(`href="${quire.url}/blog/202-Second-entry"`);
    expect(html).toContain("The note.");
    expect(html).not.toMatch(/href="\/(?!\/)/);

    const tombstones = feed["at:deleted-entry"] as Node[];
    expect(tombstones).toHaveLength(1);
    expect(tombstones[0]!["@ref"]).toBe(`urn:uuid:${UUID.gone}`);
    expect(Date.parse(tombstones[0]!["@when"] as string)).toBe(Date.parse("2025-01-02T08:00:00+01:00"));
    expect(res.body).not.toContain(UUID.hidden);
  });

  it("a category's feed lists that category and its subcategories only", async () => {
    const res = await get("/blog/travel/feed");
    const feed = xml.parse(res.body).feed as Node;
    expect((feed.entry as Node[]).map((e) => e.id)).toEqual([`urn:uuid:${UUID.trip}`]);
    expect(feed.id).toBe(`${quire.url}/blog/travel/feed`);
    expect(feed.title).toBe("Tom & Jerry's <Blog>: Travel");
  });

  it("/sitemap.xml lists every category page and listed entry with absolute URLs", async () => {
    const res = await get("/sitemap.xml");
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/xml/);
    const set = xml.parse(res.body).urlset as Node;
    expect(set["@xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
    const locs = (set.url as Node[]).map((u) => u.loc as string);
    expect(locs).toEqual(
      expect.arrayContaining([
        `${quire.url}/`,
        `${quire.url}/blog/`,
        `${quire.url}/blog/travel/`,
        `${quire.url}/blog/201-Fish-chips-2-3`,
        `${quire.url}/blog/202-Second-entry`,
        `${quire.url}/blog/travel/203-A-trip`,
      ]),
    );
    expect(locs.some((l) => l.includes("204") || l.includes("205"))).toBe(false);
    for (const url of set.url as Node[]) {
      if (url.lastmod !== undefined) expect(Number.isNaN(Date.parse(url.lastmod as string))).toBe(false);
    }
  });

  it("/robots.txt allows everything and names the sitemap by its absolute URL", async () => {
    const res = await get("/robots.txt");
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.body).toBe(`User-agent: *\nAllow: /\n\nSitemap: ${quire.url}/sitemap.xml\n`);
  });

  it("/style.css is served as CSS, with a dark scheme and no external requests", async () => {
    const res = await get("/style.css");
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/css/);
    expect(res.body).toContain("prefers-color-scheme: dark");
    expect(res.body).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
  });

  it("escapes the site's and entries' text in HTML, and marks up the entry page", async () => {
    const res = await get("/blog/201-Fish-chips-2-3");
    expect(res.status).toBe(200);
    expect(res.body).toContain(
      "<title>Fish &amp; chips, 2 &lt; 3 · Tom &amp; Jerry&#39;s &lt;Blog&gt;</title>",
    );
    expect(res.body).not.toContain("2 < 3");
    expect(res.body).not.toContain("<Blog>");
    expect(res.body).toMatch(/<html lang="en">/);
    expect(res.body).toContain('<meta property="og:type" content="article">');
    expect(res.body).toContain(`<link rel="canonical" href="${quire.url}/blog/201-Fish-chips-2-3">`);
    expect(res.body).toMatch(/<time class="dt-published" datetime="2024-11-02T10:00:00\+01:00">/);
    expect(res.body).toContain('href="/blog/?tag=Food"');
    expect(res.body).toContain('id="more"');
    expect(res.body).toContain('class="hljs-keyword"');
    expect(res.body).toContain('rel="next"');
    expect(res.body).not.toMatch(/\sstyle="|<script(?![^>]*\ssrc=)/);
  });

  it("the home page shows text above the cut with a link to the rest, and the description is escaped", async () => {
    const res = await get("/");
    expect(res.body).toContain("Above the cut");
    expect(res.body).not.toContain("Below the cut");
    expect(res.body).toContain('href="/blog/201-Fish-chips-2-3#more"');
    expect(res.body).toContain("Cats, mice &amp; &quot;quotes&quot;");
    expect(res.body).not.toContain("Hidden page");
  });

  it("tag and date pages say what they show", async () => {
    const tagged = await get("/blog/?tag=Travel");
    expect(tagged.body).toMatch(/Entries tagged <span class="tag-name">Travel<\/span>/);
    expect(tagged.body).toContain("A trip");
    expect(tagged.body).not.toContain("Fish &amp;");

    const month = await get("/?date=2025-01");
    expect(month.body).toContain("Entries from");
    expect(month.body).toContain("A trip");
    expect(month.body).not.toContain("Fish &amp;");
  });

  it("the archive groups every listed entry by year and month", async () => {
    const res = await get("/archive");
    expect(res.status).toBe(200);
    const years = [...res.body.matchAll(/class="archive-year-title"[^>]*><a [^>]*>(\d{4})</g)].map(
      (m) => m[1],
    );
    expect(years).toEqual(["2025", "2024"]);
    const months = [...res.body.matchAll(/class="archive-month-title"[^>]*><a [^>]*>(\w+)</g)].map(
      (m) => m[1],
    );
    expect(months).toEqual(["January", "November"]);
    expect(res.body).toContain("3 entries");
  });

  it("error pages are themed: 404 and 410 say what happened and link home", async () => {
    const missing = await get("/no/such/page");
    expect(missing.status).toBe(404);
    expect(missing.body).toContain("We couldn’t find that page");
    expect(missing.body).toContain('href="/"');

    const gone = await get("/blog/204-Removed");
    expect(gone.status).toBe(410);
    expect(gone.body).toContain("This page has been removed");
    expect(gone.body).toContain('<meta name="robots" content="noindex">');
  });
});
