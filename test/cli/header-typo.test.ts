/** Issue 19, item 9 (in part): `quire check` suggests the known header a misspelt one was meant to be. */
import { afterAll, describe, expect, it } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { REPO } from "../helpers/process.js";
import { quire } from "./run-quire.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

describe("a header typo", () => {
  it("is reported with the close known header; custom headers are not", async () => {
    const root = makeSite({
      "quire.toml": '[site]\ntitle = "T"\nbase_url = "https://example.com"\n',
      "content/blog/a.md": "Entry-ID: 1\nTitel: Hello\nAuthor: Me\nMood: fine\nDate: 2024-01-01\n\nx\n",
    });
    sites.push(root);
    const r = await quire(["check", "--site", root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("content/blog/a.md:2: Titel is not a header Quire knows; did you mean Title?");
    expect(r.stdout).toMatch(/^1 problem in 1 entry$/m);
  });

  it("finds nothing to suggest in the sample site", async () => {
    // A data folder of its own: other test files check the sample site at the same time.
    const data = makeSite();
    sites.push(data);
    const r = await quire(["check", "--site", REPO], { QUIRE_DATA_DIR: data });
    expect(r.stdout).not.toContain("did you mean");
    expect(r.code).toBe(0);
  });
});
