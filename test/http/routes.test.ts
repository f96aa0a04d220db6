import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const post = (id: number, title: string, date: string, extra = "", body = `Body of ${title}.`) =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: ${date}\n${extra}\n${body}\n`;

const files: Record<string, string> = {
  "quire.toml": '[site]\ntitle = "Route test"\nbase_url = "https://example.test"\n[view]\ncount = 3\n',
  "templates/index.html":
    "{% for e in view.entries %}[{{ e.id }}]{% endfor %}|prev={% if view.previous %}{{ view.previous.link }}{% endif %}|next={% if view.next %}{{ view.next.link }}{% endif %}|range={{ view.label }}",
  "templates/entry.html":
    "<h1>{{ entry.title }}</h1>{{ entry.body }}{{ entry.more }}|next={% if entry.next %}{{ entry.next.id }}{% endif %}|prev={% if entry.previous %}{{ entry.previous.id }}{% endif %}",
  "templates/_private.html": "secret partial",
  "templates/list.txt": "{% for e in view.entries %}{{ e.id }} {% endfor %}",
  "templates/404.html": "themed 404: {{ error.message }}",
  "templates/error.html": "themed error {{ error.code }}",
  "static/hello.txt": "hello static\n",
  "content/blog/a.md": post(
    101,
    "First post",
    "2023-01-10 10:00:00+00:00",
    "Path-Alias: /old/first.php\nTag: Travel\n",
  ),
  "content/blog/b.md": post(102, "Second post", "2023-02-10 10:00:00+00:00", "Tag: travel\nTag: Food\n"),
  "content/blog/c.md": post(103, "Third post", "2023-06-10 10:00:00+00:00", "Tag: Food\n"),
  "content/blog/d.md": post(104, "Fourth post", "2023-07-10 10:00:00+00:00"),
  "content/blog/e.md": post(
    105,
    "Fifth post",
    "2023-08-10 10:00:00+00:00",
    "",
    "Above\n\n.....\n\nBelow the cut",
  ),
  "content/blog/f.md": post(106, "Café déjà vu!", "2023-09-10 10:00:00+00:00"),
  "content/blog/g.md": post(107, "Seventh post", "2023-10-10 10:00:00+00:00"),
  "content/blog/draft.md": post(201, "Draft", "2023-03-01", "Status: DRAFT\n"),
  "content/blog/gone.md": post(202, "Gone", "2023-03-01", "Status: GONE\n"),
  "content/blog/illegal.md": post(203, "Illegal", "2023-03-01", "Status: ILLEGAL\n"),
  "content/blog/teapot.md": post(204, "Teapot", "2023-03-01", "Status: TEAPOT\n"),
  "content/blog/hidden.md": post(205, "Hidden", "2023-03-01", "Status: HIDDEN\n"),
  "content/blog/elsewhere.md": post(
    206,
    "Elsewhere",
    "2023-03-01",
    "Redirect-To: https://example.org/x\nStatus: HIDDEN\n",
  ),
  "content/blog/future.md": post(207, "Future", "2099-01-01"),
  "content/blog/evil.md": post(
    208,
    "Evil",
    "2023-03-01",
    "Redirect-To: /ok\r\nX-Injected: 1\nStatus: HIDDEN\n",
  ),
  "content/notes/n.md": post(301, "A note", "2023-04-01"),
  "content/journal/.cat": "Name: Journal\nIndex-Template: list\nEntry-Template: special\n\nA journal.\n",
  "content/journal/j.md": post(601, "Day one", "2023-05-01"),
  "templates/special.html": "special {{ entry.title }}",
};

let root: string;
let t: TestServer;

beforeAll(async () => {
  root = makeSite(files);
  t = await serveSite(root);
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

const text = async (path: string) => {
  const res = await t.get(path);
  return { status: res.status, body: await res.text(), res };
};

describe("category pages and named templates", () => {
  it("serves the home page and category pages, newest first, paged by the configured count", async () => {
    expect((await text("/")).body).toMatch(/^\|prev=\|next=/); // no entries in the root category itself
    const blog = await text("/blog/");
    expect(blog.status).toBe(200);
    expect(blog.body).toMatch(/^\[107\]\[106\]\[105\]\|prev=\|next=\/blog\/\?id=104/);
  });

  it("redirects a category without its trailing slash, keeping the query string", async () => {
    const res = await t.get("/blog?tag=food");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/blog/?tag=food");
  });

  it("renders named templates with the MIME type of their extension; _private ones are never routable", async () => {
    const list = await text("/blog/list");
    expect(list.status).toBe(200);
    expect(list.res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect((await text("/blog/_private")).status).toBe(404);
    expect((await text("/_private")).body).not.toContain("secret partial");
  });
});

describe("entries", () => {
  it("serves the canonical URL with a Unicode slug", async () => {
    const res = await t.get("/blog/106-Café-déjà-vu");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<h1>Café déjà vu!</h1>");
  });

  it("301s every other form to the canonical URL, keeping the query string", async () => {
    for (const path of [
      "/101",
      "/101-old-slug",
      "/notes/101-first-post",
      "/blog/101",
      "/blog/101-wrong",
      // the lowercase slug of earlier Quire versions
      "/blog/101-first-post",
    ]) {
      const res = await t.get(`${path}?utm=x&y=1`);
      expect(res.status, path).toBe(301);
      expect(res.headers.get("location"), path).toBe("/blog/101-First-post?utm=x&y=1");
    }
  });

  it("follows Path-Alias and Redirect-To with 301s", async () => {
    const alias = await t.get("/old/first.php");
    expect(alias.status).toBe(301);
    expect(alias.headers.get("location")).toBe("/blog/101-First-post");
    const redirect = await t.get("/blog/206-elsewhere");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("https://example.org/x");
  });

  it("never lets a Redirect-To value inject headers", async () => {
    const res = await t.get("/blog/208-evil");
    expect(res.headers.get("x-injected")).toBeNull();
  });

  it("answers each status with its code and the themed page", async () => {
    const cases: [string, number][] = [
      ["/blog/201-Draft", 403],
      ["/blog/202-Gone", 410],
      ["/blog/203-Illegal", 451],
      ["/blog/204-Teapot", 418],
    ];
    for (const [path, status] of cases) {
      const r = await text(path);
      expect(r.status, path).toBe(status);
      expect(r.body, path).toBe(`themed error ${status}`);
    }
    expect((await text("/blog/205-Hidden")).status).toBe(200);
    expect((await text("/blog/")).body).not.toContain("[205]");
  });

  it("hides an entry scheduled in the future, in listings and by URL", async () => {
    expect((await text("/blog/207-future")).status).toBe(404);
    expect((await text("/blog/list")).body).not.toContain("207");
  });

  it("shows body and more on the entry page and links neighbours", async () => {
    const r = await text("/blog/105-Fifth-post");
    expect(r.body).toContain("Above");
    expect(r.body).toContain("Below the cut");
    expect(r.body).toMatch(/\|next=106\|prev=104$/);
  });
});

describe("category files", () => {
  it("choose the templates of the category's index pages and of its entries", async () => {
    expect((await text("/journal/")).body).toBe("601 ");
    expect((await text("/journal/601-Day-one")).body).toBe("special Day one");
  });
});

describe("unknown paths", () => {
  it("get the themed 404", async () => {
    const r = await text("/no/such/page");
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/^themed 404: /);
    expect((await text("/blog/999999-nothing")).status).toBe(404);
    expect((await text("/%E0%A4%A")).status).toBe(404);
  });
});

describe("views in URLs", () => {
  it("keeps ?id= pages stable when new entries are added", async () => {
    const before = (await text("/blog/?id=104")).body;
    // The page before is the first page, which has no anchor.
    expect(before).toMatch(/^\[104\]\[103\]\[102\]\|prev=\/blog\/\|next=\/blog\/\?id=101/);
    const more: Record<string, string> = {};
    for (let i = 0; i < 5; i++)
      more[`content/blog/new-${i}.md`] = post(400 + i, `New ${i}`, `2024-0${i + 1}-01 10:00:00+00:00`);
    writeFiles(root, more);
    await t.site.refresh();
    const after = (await text("/blog/?id=104")).body;
    expect(after.slice(0, after.indexOf("|"))).toBe("[104][103][102]");
    expect((await text("/blog/")).body).toMatch(/^\[404\]\[403\]\[402\]/);
  });

  it("pages by month across empty months", async () => {
    const june = (await text("/blog/?date=2023-06")).body;
    expect(june).toMatch(/^\[103\]\|/);
    expect(june).toContain("range=June 2023");
    // March to May have no listed entries: June's neighbours are February and July.
    expect(june).toMatch(/prev=\/blog\/\?date=2023-07/);
    expect(june).toMatch(/next=\/blog\/\?date=2023-02/);
  });

  it("filters by tag, case-insensitively, with any/all semantics", async () => {
    expect((await text("/blog/?tag=TRAVEL")).body).toMatch(/^\[102\]\[101\]\|/);
    expect((await text("/blog/?tag=food&tag=travel")).body).toMatch(/^\[103\]\[102\]\[101\]\|/);
  });

  it("rejects a malformed page query with a 400, not a crash", async () => {
    expect((await text("/blog/?date=2023-13")).status).toBe(400);
    expect((await text("/blog/?id=abc")).status).toBe(400);
  });
});

describe("static files and conditional GET", () => {
  it("serves /static/ with an ETag and answers If-None-Match with 304", async () => {
    const first = await t.get("/static/hello.txt");
    expect(await first.text()).toBe("hello static\n");
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    // fetch adds `Cache-Control: no-cache` to conditional requests unless one is given; browsers revalidate like this.
    const second = await t.get("/static/hello.txt", {
      headers: { "If-None-Match": etag, "Cache-Control": "max-age=0" },
    });
    expect(second.status).toBe(304);
  });

  it("gives every page an ETag and Cache-Control and answers If-None-Match with 304", async () => {
    const first = await t.get("/blog/101-First-post");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get("cache-control")).toContain("max-age");
    const again = await t.get("/blog/101-First-post", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("sends security headers on every response", async () => {
    for (const path of ["/", "/static/hello.txt", "/nope", "/101"]) {
      const res = await t.get(path);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBeTruthy();
      expect(res.headers.get("content-security-policy"), path).toContain("default-src 'self'");
    }
  });
});

describe("starting up", () => {
  it("answers 503 with Retry-After until the first index is complete, then 200", async () => {
    const s = await serveSite(root, { index: false });
    try {
      const early = await s.get("/blog/");
      expect(early.status).toBe(503);
      expect(early.headers.get("retry-after")).toBeTruthy();
      await s.site.start();
      expect((await s.get("/blog/")).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it("shows a scheduled entry as soon as its time has passed, with no restart", async () => {
    let soon = 0;
    for (let lead = 2500; ; lead *= 4) {
      soon = Date.now() + lead;
      writeFileSync(join(root, "content/notes/soon.md"), post(500, "Soon", new Date(soon).toISOString()));
      await t.site.refresh();
      const before = await text("/notes/500-Soon");
      const listing = await text("/notes/");
      // What was seen is only "before its date" if the date had not yet come when the answers arrived; a machine
      // too busy for that tries again further ahead.
      if (Date.now() >= soon) continue;
      expect(before.status).toBe(404);
      expect(listing.body).not.toContain("[500]");
      break;
    }
    await new Promise((r) => setTimeout(r, soon + 200 - Date.now()));
    expect((await text("/notes/500-Soon")).status).toBe(200);
    expect((await text("/notes/")).body).toMatch(/^\[500\]/);
  });
});
