/**
 * Issue 19, item 9: `quire check`, the dev server's log and `quire build` report what an entry points at that
 * a reader would find missing — an image that is not there (plain, in a Publ image set, in `<img>`), an image
 * without alt text, a link to an entry file, an ID, a static file or a path nothing answers — by file and line,
 * as warnings (the page still renders, as in Publ), with stable codes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { REPO_ROOT, startQuire } from "../helpers/server.js";
import { quire } from "./run-quire.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

const POST = `Title: A post
Date: 2025-01-02 10:00
Entry-ID: 1
UUID: 5b0e8f2c-1d3a-4e5f-8a9b-0c1d2e3f4a01

![A cat](does-not-exist.jpg)

![](photo.jpg | also-missing.jpg)

![A ridge at dusk](photo.jpg) beside [the other post](other.md), [a typo](othr.md), [home](/),
[the other by ID](2), [no such ID](99), [a page](/blog/2-the-other) and [nowhere](/no/such/page).

[sheet](/static/sheet.txt), [no sheet](/static/missing.css), [elsewhere](https://example.com/x.jpg)

\`\`\`markdown
![](shown-as-code.jpg) [x](/also-code)
\`\`\`

<img src="html-missing.png"> <img src="photo.jpg" alt=""> <a href="/html/nowhere">x</a>
`;

function site(): string {
  const root = makeSite({
    "quire.toml": '[site]\ntitle = "T"\nbase_url = "https://blog.example"\n',
    "content/blog/post.md": POST,
    "content/blog/other.md":
      "Title: The other\nDate: 2025-01-01 10:00\nEntry-ID: 2\nUUID: 5b0e8f2c-1d3a-4e5f-8a9b-0c1d2e3f4a02\n\nNothing to see.\n",
    "static/sheet.txt": "a file\n",
  });
  copyFileSync(join(REPO_ROOT, "content/photos/mountain-dusk.jpg"), join(root, "content/blog/photo.jpg"));
  sites.push(root);
  return root;
}

/** The warnings a run printed for the post, as `line: code` pairs with their text. */
function warnings(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("warning: content/blog/post.md:"))
    .map((l) => l.slice("warning: content/blog/post.md:".length));
}

describe("quire check: images and links", () => {
  it("names each missing image, image without alt text and broken link by file, line and what was expected", async () => {
    const root = site();
    const run = await quire(["check", "--site", root], { QUIRE_DATA_DIR: join(root, ".data") });
    const found = warnings(run.stderr);
    // Warnings only: Publ renders these pages too, so the check still passes.
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const expected: [string, RegExp][] = [
      [
        "6",
        /^6: image does-not-exist\.jpg not found: expected content\/blog\/does-not-exist\.jpg, content\/does-not-exist\.jpg; .*\(E_ENTRY_IMAGE_MISSING\)$/,
      ],
      ["8", /^8: image also-missing\.jpg not found: .*\(E_ENTRY_IMAGE_MISSING\)$/],
      ["8", /^8: images photo\.jpg, also-missing\.jpg have no alt text.*\(E_ENTRY_IMAGE_ALT\)$/],
      [
        "10",
        /^10: link to othr\.md leads nowhere: expected an entry file at content\/blog\/othr\.md or content\/othr\.md \(E_ENTRY_LINK\)$/,
      ],
      ["11", /^11: link to 99 leads nowhere: no entry has ID 99 \(E_ENTRY_LINK\)$/],
      [
        "11",
        /^11: link to \/no\/such\/page leads nowhere: no entry, category, template or alias answers \/no\/such\/page \(E_ENTRY_LINK\)$/,
      ],
      [
        "13",
        /^13: link to \/static\/missing\.css leads nowhere: expected static\/missing\.css \(E_ENTRY_LINK\)$/,
      ],
      ["19", /^19: image html-missing\.png not found: .*\(E_ENTRY_IMAGE_MISSING\)$/],
      ["19", /^19: image html-missing\.png has no alt text.*\(E_ENTRY_IMAGE_ALT\)$/],
      ["19", /^19: link to \/html\/nowhere leads nowhere: .*\(E_ENTRY_LINK\)$/],
    ];
    for (const [, pattern] of expected)
      expect(
        found.some((w) => pattern.test(w)),
        `${pattern}\n${found.join("\n")}`,
      ).toBe(true);
    // Nothing else: the image with alt text, `alt=""`, working links, external URLs and code are not reported.
    expect(found).toHaveLength(expected.length);
    expect(run.stderr).not.toContain("content/blog/other.md:");

    const json = await quire(["check", "--site", root, "--json"], { QUIRE_DATA_DIR: join(root, ".data") });
    const report = JSON.parse(json.stdout) as { warnings: string[] };
    expect(report.warnings.filter((w) => w.includes("(E_ENTRY_")).length).toBe(expected.length);
  }, 60_000);

  it("the sample site checks clean", async () => {
    const run = await quire(["check", "--site", REPO_ROOT], {
      QUIRE_DATA_DIR: mkdtempSync(join(tmpdir(), "quire-check-")),
    });
    expect(run.stderr).not.toMatch(/E_ENTRY_(IMAGE_MISSING|IMAGE_ALT|LINK)/);
  }, 60_000);

  it("the dev server logs a missing image when the file that has it is saved", async () => {
    const root = site();
    const server = await startQuire({ site: root, args: ["--dev"] });
    try {
      await until(() => server.output().includes("watching for changes"));
      expect(server.output()).toMatch(/content\/blog\/post\.md:6: image does-not-exist\.jpg not found/);
      writeFileSync(
        join(root, "content/blog/new.md"),
        "Title: New\nDate: 2025-01-03 10:00\nEntry-ID: 3\nUUID: 5b0e8f2c-1d3a-4e5f-8a9b-0c1d2e3f4a03\n\n![A fox](fox.jpg)\n",
      );
      await until(() => server.output().includes("content/blog/new.md:6"));
      expect(server.output()).toMatch(
        /content\/blog\/new\.md:6: image fox\.jpg not found.*E_ENTRY_IMAGE_MISSING/,
      );
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("quire build names the entry file and line a broken link is written in", async () => {
    const root = site();
    const out = join(mkdtempSync(join(tmpdir(), "quire-build-")), "out");
    const run = await quire(["build", "--site", root, "--out", out], { QUIRE_DATA_DIR: join(root, ".data") });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /warning: content\/blog\/post\.md:11: broken link \/no\/such\/page \(on \/[^)]*\)/,
    );
    expect(run.stderr).toMatch(/warning: content\/blog\/post\.md:19: broken link \/html\/nowhere/);
  }, 120_000);
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}
