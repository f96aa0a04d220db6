/** The search index follows content: edits, deletions, status changes and a scheduled entry going live
 *  show in `/search` results after a refresh; drafts, hidden and private (`Auth:`) entries never do. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serveSite, type TestServer } from "../helpers/http.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

const LIVE_AT = Date.parse("2030-06-01T12:00:00Z");

function entry(id: number, title: string, body: string, extra = ""): string {
  return `Title: ${title}\nDate: 2024-03-0${id % 9} 10:00:00+00:00\nEntry-ID: ${id}\n${extra}\n${body}\n`;
}

/** The titles of the entries `/search?q=` lists, in order. */
async function found(t: TestServer, q: string): Promise<string[]> {
  const res = await t.get(`/search?q=${encodeURIComponent(q)}`);
  expect(res.status, q).toBe(200);
  const html = await res.text();
  return [
    ...html.matchAll(/<h2 class="entry-title" id="hit-\d+-title"><a href="[^"]*">(.*?)<\/a><\/h2>/g),
  ].map((m) => m[1]!.replace(/<\/?mark>/g, ""));
}

describe("search follows the content folder", () => {
  let root: string;
  let t: TestServer;
  let clock = Date.parse("2030-01-01T00:00:00Z");

  beforeAll(async () => {
    root = makeSite({
      "quire.toml": '[site]\ntitle = "Search"\nbase_url = "https://example.test"\n',
      "content/blog/heron.md": entry(101, "Herons at dawn", "A grey heron stood in the reeds, fishing."),
      "content/blog/kettle.md": entry(102, "Kettle notes", "The kettle whistled while the heron waited."),
      "content/blog/draft.md": entry(103, "Secret heron draft", "Unfinished heron words.", "Status: DRAFT\n"),
      "content/blog/hidden.md": entry(104, "Hidden heron", "Heron, unlisted.", "Status: HIDDEN\n"),
      "content/blog/private.md": entry(105, "Friends-only heron", "Heron for friends.", "Auth: friends\n"),
      "content/blog/later.md":
        "Title: Heron in summer\nDate: 2030-06-01 12:00:00+00:00\nEntry-ID: 106\nStatus: SCHEDULED\n\nScheduled heron text.\n",
    });
    t = await serveSite(root, { now: () => clock });
  });
  afterAll(async () => {
    await t?.stop();
    removeSite(root);
  });

  it("finds listed entries and never drafts, hidden, private or not-yet-scheduled ones", async () => {
    expect((await found(t, "heron")).sort()).toEqual(["Herons at dawn", "Kettle notes"]);
    expect(await found(t, "unfinished")).toEqual([]);
    expect(await found(t, "friends")).toEqual([]);
    expect(await found(t, "unlisted")).toEqual([]);
    expect(await found(t, "scheduled")).toEqual([]);
  });

  it("shows a scheduled entry once its date has passed, with no refresh", async () => {
    clock = LIVE_AT + 1000;
    expect(await found(t, "scheduled")).toEqual(["Heron in summer"]);
    clock = Date.parse("2030-01-01T00:00:00Z");
  });

  it("follows an edit", async () => {
    writeFileSync(
      join(root, "content/blog/kettle.md"),
      entry(102, "Kettle notes", "The kettle sang; a kingfisher flew past."),
    );
    await t.site.refresh();
    expect(await found(t, "kingfisher")).toEqual(["Kettle notes"]);
    expect(await found(t, "heron")).toEqual(["Herons at dawn"]);
  });

  it("follows a deletion", async () => {
    rmSync(join(root, "content/blog/heron.md"));
    await t.site.refresh();
    expect(await found(t, "heron")).toEqual([]);
    expect(await found(t, "fishing")).toEqual([]);
  });

  it("follows status changes both ways, and an Auth: header added or removed", async () => {
    writeFileSync(
      join(root, "content/blog/draft.md"),
      entry(103, "Secret heron draft", "Unfinished heron words."),
    );
    writeFileSync(
      join(root, "content/blog/kettle.md"),
      entry(102, "Kettle notes", "The kettle sang; a kingfisher flew past.", "Status: DRAFT\n"),
    );
    writeFileSync(
      join(root, "content/blog/private.md"),
      entry(105, "Friends-only heron", "Heron for friends."),
    );
    await t.site.refresh();
    expect(await found(t, "unfinished")).toEqual(["Secret heron draft"]);
    expect(await found(t, "kingfisher")).toEqual([]);
    expect(await found(t, "friends")).toEqual(["Friends-only heron"]);
    writeFileSync(
      join(root, "content/blog/private.md"),
      entry(105, "Friends-only heron", "Heron for friends.", "Auth: family\n"),
    );
    await t.site.refresh();
    expect(await found(t, "friends")).toEqual([]);
  });

  it("matches English word forms and ignores accents", async () => {
    writeFileSync(
      join(root, "content/blog/cafe.md"),
      entry(107, "Café mornings", "We were walking to the café; the walks were long."),
    );
    await t.site.refresh();
    expect(await found(t, "walked")).toEqual(["Café mornings"]);
    expect(await found(t, "cafe")).toEqual(["Café mornings"]);
    expect(await found(t, "CAFÉ")).toEqual(["Café mornings"]);
  });
});
