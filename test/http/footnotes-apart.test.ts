// Footnotes as Publ places them: `entry.body` and `entry.more` never carry the notes (a listing shows the body
// and its references lead to the entry's page), and `entry.footnotes` prints them once. On the `footnotes/`
// folder of Publ's test site.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/publ-footnotes/content");

/** How often `needle` occurs in `text`. */
const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe("footnotes with Quire's own theme", () => {
  let root: string;
  let t: TestServer;
  beforeAll(async () => {
    root = makeSite({});
    cpSync(FIXTURE, join(root, "content"), { recursive: true });
    t = await serveSite(root);
  });
  afterAll(async () => {
    await t?.stop();
    removeSite(root);
  });

  it("leaves the notes out of a listing, whose references lead to the entry's page", async () => {
    const res = await t.get("/footnotes/");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("This is intro text.");
    expect(html).not.toContain("This is a footnote.");
    expect(html).toContain('href="/footnotes/2036-Intro-text-only#fn-e2036--1"');
  });

  it("shows each note once on the entry's page, after the text below the cut", async () => {
    const html = await (await t.get("/footnotes/1063-Footnotes")).text();
    for (const note of ["This is nested in the body", "this is nested in the more", "bar"]) {
      expect(count(html, `<p>${note} `), note).toBe(1);
    }
    expect(html.indexOf("Another one.")).toBeLessThan(html.indexOf('id="footnotes"'));
    expect(html).toContain('id="fn-e1063--1"');
  });

  it("keeps the notes in the feed", async () => {
    const xml = await (await t.get("/footnotes/feed")).text();
    expect(xml).toContain("This is a footnote.");
  });
});

describe("footnotes with a Publ template that prints entry.footnotes itself", () => {
  let root: string;
  let t: TestServer;
  beforeAll(async () => {
    root = makeSite({
      "templates/entry.html":
        '<div id="text">{{entry.body}}{{entry.more}}</div><div id="notes">{{entry.footnotes}}</div>',
      "templates/index.html": "{% for e in view.entries %}<article>{{e.body}}</article>{% endfor %}",
    });
    cpSync(FIXTURE, join(root, "content"), { recursive: true });
    t = await serveSite(root);
  });
  afterAll(async () => {
    await t?.stop();
    removeSite(root);
  });

  it("prints each note once, only where the template puts entry.footnotes", async () => {
    const html = await (await t.get("/footnotes/2036-Intro-text-only")).text();
    expect(count(html, "This is a footnote.")).toBe(1);
    const text = /<div id="text">([\s\S]*?)<\/div><div id="notes">/.exec(html)![1]!;
    expect(text).not.toContain("This is a footnote.");
  });

  it("lists bodies without their notes", async () => {
    const html = await (await t.get("/footnotes/")).text();
    expect(html).toContain("Footnote in the intro.");
    expect(html).not.toContain("This is a footnote.");
  });
});
