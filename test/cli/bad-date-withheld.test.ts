/** Issue 19, item 2: an entry whose `Date:` cannot be read is withheld (never dated by its mtime) and reported. */
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { quire } from "./run-quire.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

function site(): string {
  const root = makeSite({
    "quire.toml": '[site]\ntitle = "T"\nbase_url = "https://example.com"\n',
    "content/blog/good.md": "Title: Good post\nEntry-ID: 1\nDate: 2024-01-01 10:00\n\nGood.\n",
    "content/blog/bad.md": "Title: Badly dated post\nEntry-ID: 2\nDate: 2025-13-45\n\nBad.\n",
  });
  sites.push(root);
  return root;
}

describe("an unreadable Date", () => {
  it("is reported by check and index as withheld", async () => {
    const root = site();
    const check = await quire(["check", "--site", root], { QUIRE_SECRET: "x" });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      /content\/blog\/bad\.md:3: Date "2025-13-45" is not a date .*withheld until it is fixed/,
    );
    const index = await quire(["index", "--site", root, "--data", join(root, ".quire")]);
    expect(index.stderr).toMatch(/content\/blog\/bad\.md:3: Date "2025-13-45" .*withheld/);
  });

  it("keeps the entry off the home page and the feed of a build, which names it", async () => {
    const root = site();
    const out = join(root, "out");
    const build = await quire(["build", "--site", root, "--out", out], { QUIRE_SECRET: "x" });
    expect(build.stderr + build.stdout).toMatch(/content\/blog\/bad\.md.*withheld/);
    const home = readFileSync(join(out, "index.html"), "utf8");
    expect(home).toContain("Good post");
    expect(home).not.toContain("Badly dated post");
    const feed = readFileSync(join(out, "feed"), "utf8");
    expect(feed).not.toContain("Badly dated post");
  });
});
