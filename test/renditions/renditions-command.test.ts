import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { renditionsCommand, renditionUrls } from "../../src/cli/renditions-command.js";
import type { Output } from "../../src/cli/output.js";

const sites: string[] = [];
afterAll(() => {
  sites.forEach(removeSite);
  delete process.env.QUIRE_SECRET;
});

function capture(): Output & { lines: string[]; json_: unknown[] } {
  const lines: string[] = [];
  const json_: unknown[] = [];
  return { lines, json_, line: (t) => lines.push(t), err: (t) => lines.push(t), json: (v) => json_.push(v) };
}

function storedFiles(dir: string): string[] {
  const out: string[] = [];
  for (const shard of readdirSync(dir, { withFileTypes: true })) {
    if (shard.isDirectory()) for (const f of readdirSync(join(dir, shard.name))) out.push(f);
  }
  return out;
}

describe("quire renditions", () => {
  it("fills the store with every rendition the content references, and finds them all stored the second time", async () => {
    const img = await sharp({ create: { width: 800, height: 500, channels: 3, background: "#3a6" } })
      .jpeg()
      .toBuffer();
    const root = makeSite({
      "content/a.md":
        "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\n![x](pic.jpg{300}) ![y](pic.jpg{width=120,format='webp'})\n",
      "content/draft.md": "Title: D\nEntry-ID: 2\nDate: 2024-01-01\nStatus: DRAFT\n\n![z](pic.jpg{50})\n",
    });
    sites.push(root);
    writeFiles(root, { "content/pic.jpg": img });
    const data = mkdtempSync(join(tmpdir(), "quire-rend-"));
    process.env.QUIRE_SECRET = "s";
    const out = capture();
    expect(await renditionsCommand(["--site", root, "--data", data, "--json"], out)).toBe(0);
    const first = out.json_[0] as { renditions: number; generated: number; failures: string[] };
    // 300 and 600 wide JPEG, 120 and 240 wide WebP; the draft's image is not pre-warmed.
    expect(first).toMatchObject({ renditions: 4, generated: 4, failures: [] });
    expect(storedFiles(join(data, "renditions")).sort()).toHaveLength(4);
    const again = capture();
    expect(await renditionsCommand(["--site", root, "--data", data, "--json"], again)).toBe(0);
    expect(again.json_[0]).toMatchObject({ renditions: 4, generated: 0 });
  });

  it("finds rendition URLs in src, srcset and links, once each", () => {
    const html =
      '<a href="/_img/a_0123456789_1x1.jpg?s=1&amp;sig=2"><img src="/_img/b_0123456789_1x1.png?s=3&amp;sig=4" srcset="/_img/b_0123456789_1x1.png?s=3&amp;sig=4 1x, /_img/c_0123456789_2x2.png?s=5&amp;sig=6 2x"></a>';
    expect(renditionUrls(html)).toEqual([
      "/_img/a_0123456789_1x1.jpg?s=1&sig=2",
      "/_img/b_0123456789_1x1.png?s=3&sig=4",
      "/_img/c_0123456789_2x2.png?s=5&sig=6",
    ]);
  });
});
