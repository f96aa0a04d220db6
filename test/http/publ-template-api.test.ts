// Publ's template API as a Publ site's templates call it: names, keyword arguments and defaults of entry, category,
// view, dates and globals, served through HTTP; an argument Publ's call does not take is a warning naming the place.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import sharp from "sharp";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { captureLog, type CapturedLog } from "../store/log-capture.js";

const post = (id: number, title: string, date: string, extra = "", body = `Body of ${title}.`) =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: ${date}\n${extra}\n${body}\n`;

const photo = (width: number, height: number) =>
  sharp(Buffer.alloc(width * height * 3, 90), { raw: { width, height, channels: 3 } })
    .jpeg()
    .toBuffer();

let root: string;
let t: TestServer;
let log: CapturedLog;

beforeAll(async () => {
  root = makeSite({
    "quire.toml": '[site]\ntitle = "API test"\ntimezone = "UTC"\n',
    "content/blog/.cat": "Name: The Blog\n\nAll about *cats*.\n",
    "content/blog/a.md": post(
      1,
      "First's post",
      "2024-01-10 10:00:00+00:00",
      "Tag: Cats\nTag: dogs\nAuthor: Fluffy\nRedirect-To-Nowhere: x\n",
      "Intro with a note.[^n]\n\n![Two](one.jpg | two.jpg)\n\n## Part one\n\n### Deeper\n\nText.\n\n[^n]: The note.\n",
    ),
    "content/blog/b.md": post(
      2,
      "Second",
      "2024-02-10 10:00:00+00:00",
      "Tag: cats\n",
      "Above.\n\n.....\n\nBelow.",
    ),
    "content/blog/c.md": post(3, "Third", "2024-02-20 10:00:00+00:00", "Entry-Type: sidebar\n"),
    "content/blog/one.jpg": await photo(400, 300),
    "content/blog/two.jpg": await photo(400, 300),
    "content/blog/travel/t.md": post(4, "Trip", "2023-05-01 10:00:00+00:00", "Tag: cats\nTag: Cats\n"),
    "content/notes/n.md": post(5, "A note", "2023-04-01 10:00:00+00:00"),
    "content/notes/m.md": post(6, "A later note", "2024-06-01 10:00:00+00:00"),
    "templates/entry.html": [
      "[body={{ entry.body(count=1) }}]",
      "[more={{ entry.more }}|{{ entry.more(absolute=True) }}]",
      "[text={{ entry.body(markup=False)|replace('\\n', '/') }}]",
      "[toc={{ entry.toc(max_depth=1) }}]",
      "[notes={{ entry.footnotes }}]",
      "[card={{ entry.card(count=1, width=64) }}]",
      "[get={{ entry.get('author') }}|{{ entry.get('missing', 'fallback') }}|{{ entry.author }}|{{ entry['redirect-to-nowhere'] }}|{{ 'author' in entry }}]",
      "[archive={{ entry.archive }}|{{ entry.archive('month', 'feed', absolute=True) }}|{{ entry.archive(paging='year', tag='cats') }}]",
      "[next={{ entry.next(category='blog', entry_type='sidebar').title if entry.next(category='blog', entry_type='sidebar') }}]",
      "[prev={{ entry.previous(category='', recurse=True).title }}]",
      "[title={{ entry.title(markup=False, no_smartquotes=True) }}|{{ entry.title(markup=False) }}]",
      "[date={{ entry.date }}|{{ entry.date.shift(days=-10).format('YYYY-MM-DD') }}|{{ entry.date < entry.last_modified.shift(hours=1) }}|{{ entry.date_month }}]",
      "[bad={{ entry.body(no_such_argument=3) }}]",
      "[image={{ entry.image('one.jpg')(width=100) }}]",
      "[shift={{ entry.date.shift(day=1).format('YYYY-MM-DD') }}]",
      "[plainnotes={{ entry.footnotes(markup=False) }}]",
      "[tags={{ entry.tags|join(',') }}]",
    ].join("\n"),
    "templates/blog/cats.html": [
      "[name={{ category.name }}|{{ category.name(markup=False) }}|root={{ category.root.name }}.]",
      "[tags={% for name, count in category.tags %}{{ name }}:{{ count }} {% endfor %}]",
      "[alltags={% for name, count in category.tags(recurse=True) %}{{ name }}:{{ count }} {% endfor %}]",
      "[subcats={% for c in category.root.subcats(recurse=True) %}{{ c.path }} {% endfor %}]",
      "[first={{ category.first().title }}|last={{ category.last(entry_type='sidebar').title }}]",
      "[link={{ category.link(template='feed', absolute=True) }}|{{ category.link(template='index') }}]",
    ].join("\n"),
    "templates/blog/pages.html": [
      "{% set v = view(count=1) %}",
      "[range={{ v.range }}|{{ v.range(day='MMMM D', span='{oldest} to {newest}') }}]",
      "[current={{ v.current.link }}|is_current={{ v.is_current }}]",
      "[next={{ v.next }}|{{ v.next.range }}]",
      "[tags={{ view.tag_add('cats').link }}|{{ view.tag_toggle('cats').tag_toggle('cats', 'dogs').link }}|{{ view(tag='cats').tag_remove('cats').link }}]",
      "[tagobj={% for tag in view.entries[1].tags %}{{ view(tag=tag).link }} {% endfor %}]",
      "[iter={% for e in view(count=2) %}{{ e.id }} {% endfor %}]",
      "[feed={{ view.link(template='feed', absolute=True) }}]",
      "[bad={{ view(count=1, colour='red').count }}]",
      "[other={% for e in view(category='notes') %}{{ e.id }}{% endfor %}|{% for e in view(count=1) %}{{ e.id }}{% endfor %}]",
      "[spec={{ view.spec }}|{{ view.spec.count }}|{{ view.spec.date }}]",
    ].join("\n"),
    "templates/blog/globals.html": [
      "[request={{ request.path }}|{{ request.full_path }}|{{ request.host }}|{{ request.args.q }}|{{ request.args.get('x', 'none') }}]",
      "[template={{ template.name }}|{{ template.filename }}|{{ template.last_modified.format('YYYY') > '2000' }}|{{ template }}|{{ category.link(template=template) }}]",
      "[sub={{ get_template('_part', category) }}|{% include get_template('_part', category) %}]",
      "[url={{ url_for('static', filename='a.css') }}|{{ url_for('login', redir='blog/') }}|{{ url_for('category', category='blog', template='feed', tag='x') }}]",
      "[login={{ login(me='test:admin') }}|{{ logout(redir='') }}]",
      "[arrow={{ arrow.get('2024-03-05T07:04:09+00:00').format('YYYY-MM-DD') }}|{{ arrow.now().year > 2000 }}|{{ arrow.get('2020-01-01T00:00:00+00:00').humanize(arrow.get('2020-01-04T00:00:00+00:00')) }}]",
    ].join("\n"),
    "templates/blog/_part.html": "part of blog",
  });
  log = captureLog();
  t = await serveSite(root, {
    logger: log.logger,
    env: { QUIRE_SECRET: "s", QUIRE_BASE_URL: "https://quire.test" },
  });
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

const page = async (path: string) => {
  const res = await t.get(path);
  const body = await res.text();
  expect(res.status, body).toBe(200);
  return (name: string) => {
    const m = new RegExp(`\\[${name}=([\\s\\S]*?)\\]\\n`).exec(`${body}\n`);
    if (!m) throw new Error(`no [${name}=…] in ${body}`);
    return m[1]!;
  };
};

describe("entry", () => {
  it("passes keyword arguments to the text and images, and is callable even when empty", async () => {
    const part = await page("/blog/1-First-s-post");
    expect(part("body").match(/<img/g)).toHaveLength(1);
    const b = await page("/blog/2-Second");
    expect(b("more")).toBe("<p>Below.</p>\n|<p>Below.</p>\n");
    expect((await page("/blog/3-Third"))("more")).toBe("|");
    expect(part("text")).toContain("Intro with a note.");
    // A note's reference reads "1" in HTML and "[1]" in plain text, as in Publ.
    expect(part("body")).toMatch(/Intro with a note\.<sup class="footnote-ref"><a [^>]*>1<\/a><\/sup>/);
    expect(part("text")).toContain("Intro with a note.[1]");
    expect(part("text")).not.toContain("<");
    // Plain text keeps its lines, as Publ's does: each heading and paragraph on its own.
    expect(part("text")).toContain("/Part one/Deeper/Text.");
  });

  it("gives the table of contents, footnotes and an OpenGraph card", async () => {
    const part = await page("/blog/1-First-s-post");
    expect(part("toc")).toContain("Part one");
    expect(part("toc")).not.toContain("Deeper");
    expect(part("notes")).toContain("The note.");
    // As Publ's plain text: each note after its number, without the link back to the text.
    expect(part("plainnotes")).toBe("[1] The note.");
    const card = part("card");
    // As Publ 0.8.14 writes them: no "/>", and a rendition's width and height after its URL.
    expect(card).toContain('<meta property="og:title" content="First’s post">');
    expect(card).toContain('<meta property="og:url" content="https://quire.test/blog/1-First-s-post">');
    expect(card.match(/og:image" content="https:\/\/quire\.test\/_img\//g)).toHaveLength(1);
    expect(card).toMatch(
      /og:image" content="[^"]*"><meta property="og:image:width" content="\d+"><meta property="og:image:height" content="\d+">/,
    );
    expect(card).toContain('<meta property="og:description" content="Intro with a note.">');
  });

  it("reads headers with get(name, default), as attributes and with `in`", async () => {
    expect((await page("/blog/1-First-s-post"))("get")).toBe("Fluffy|fallback|Fluffy|x|True");
  });

  it("links to its archive page by paging, template, tag and absolute URL", async () => {
    expect((await page("/blog/1-First-s-post"))("archive")).toBe(
      "/blog/?id=1|https://quire.test/blog/feed?date=2024-01|/blog/?date=2024&amp;tag=cats",
    );
  });

  it("finds neighbours with view arguments, and prints titles with or without smart quotes", async () => {
    const part = await page("/blog/1-First-s-post");
    expect(part("next")).toBe("Third");
    expect((await page("/blog/2-Second"))("prev")).toBe("First’s post");
    // Every Tag header as written, as Publ's entry.tags gives them (the index counts the tag once).
    expect((await page("/blog/2-Second"))("tags")).toBe("cats");
    expect((await page("/blog/travel/4-Trip"))("tags")).toBe("cats,Cats");
    expect(part("title")).toBe("First&#39;s post|First’s post");
  });

  it("gives Arrow dates: ISO when printed, shift, comparison, grouping keys", async () => {
    expect((await page("/blog/1-First-s-post"))("date")).toBe(
      "2024-01-10T10:00:00+00:00|2023-12-31|True|2024-01",
    );
  });

  it("gives images beside the entry", async () => {
    expect((await page("/blog/1-First-s-post"))("image")).toMatch(/^\/_img\/one_[0-9a-f]+_100x75\.jpg\?/);
  });

  it("warns about an argument Publ's call does not take, naming template and line, and renders the rest", async () => {
    const part = await page("/blog/1-First-s-post");
    expect(part("bad")).toContain("Intro with a note.");
    const warning = log.warnings().find((w) => String(w.msg).includes("no_such_argument"));
    expect(warning?.msg).toBe(
      'templates/entry.html:13: entry.body() does not take the keyword argument "no_such_argument"; it is ignored',
    );
  });
});

describe("category", () => {
  it("names itself (the root's name is empty) and lists tags as (name, count) pairs", async () => {
    const part = await page("/blog/cats");
    expect(part("name")).toBe("The Blog|The Blog|root=.");
    expect(part("tags")).toBe("cats:2 dogs:1 ");
    expect(part("alltags")).toBe("cats:3 dogs:1 ");
  });

  it("lists subcategories recursively and finds its first and last entries with view arguments", async () => {
    const part = await page("/blog/cats");
    // By sort name ("Notes" before "The Blog"), each category followed by its own subcategories.
    expect(part("subcats")).toBe("notes blog blog/travel ");
    expect(part("first")).toBe("First’s post|last=Third");
    expect(part("link")).toBe("https://quire.test/blog/feed|/blog/");
  });
});

describe("view", () => {
  it("describes its range as Publ does, with formats", async () => {
    const part = await page("/blog/pages");
    expect(part("range")).toBe("2024/02/20|February 20");
    expect(part("current")).toBe("/blog/|is_current=True");
    expect(part("next")).toBe("/blog/?id=2|2024/02/10");
  });

  it("adds, removes and toggles tags, takes tag objects, iterates its entries", async () => {
    const part = await page("/blog/pages");
    expect(part("tags")).toBe("/blog/?tag=cats|/blog/?tag=dogs|/blog/");
    expect(part("tagobj")).toBe("/blog/?tag=cats ");
    expect(part("iter")).toBe("3 2 ");
    expect(part("feed")).toBe("https://quire.test/blog/feed");
  });

  it("keeps a page's anchor for its own listing, not for another category's", async () => {
    expect((await page("/blog/pages?id=2"))("other")).toBe("65|2");
    // view.spec prints as Publ's: the arguments the page was asked for; its fields still read as attributes.
    expect((await page("/blog/pages?id=2&tag=cats"))("spec")).toBe(
      "{&#39;tag&#39;: &#39;cats&#39;, &#39;category&#39;: &#39;blog&#39;, &#39;start&#39;: &#39;2&#39;}|10|None",
    );
    expect((await page("/blog/pages?date=2024-02"))("spec")).toBe(
      "{&#39;category&#39;: &#39;blog&#39;, &#39;date&#39;: &#39;2024-02&#39;}|10|2024-02",
    );
  });

  it("ignores a view argument it does not know, with a warning", async () => {
    expect((await page("/blog/pages"))("bad")).toBe("1");
    const warning = log.warnings().find((w) => String(w.msg).includes("colour"));
    expect(warning?.msg).toBe(
      'templates/blog/pages.html:9: view() does not take the keyword argument "colour"; it is ignored',
    );
  });
});

describe("globals", () => {
  it("gives request, template, get_template, url_for and arrow", async () => {
    const part = await page("/blog/globals?q=cats");
    expect(part("request")).toBe("/blog/globals|/blog/globals?q=cats|quire.test|cats|none");
    // The template prints as its name, as Publ's does, and links take it as a template name.
    expect(part("template")).toBe("globals|blog/globals.html|True|globals|/blog/globals");
    expect(part("sub")).toBe("blog/_part.html|part of blog");
    expect(part("url")).toBe("/static/a.css|/_login/blog/|/blog/feed?tag=x");
    expect(part("login")).toBe("/_login/blog/globals%3Fq%3Dcats?me=test%3Aadmin|/_logout/");
    expect(part("arrow")).toBe("2024-03-05|True|3 days ago");
  });
});
