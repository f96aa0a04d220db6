/** Issue 19, item 11: a static export has `/favicon.ico` and `/apple-touch-icon.png` at its root, as a browser
 *  asks a static host for them: the site's own from `static/`, else the default theme's icon. */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { quire } from "../cli/run-quire.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

describe("quire build: site icons", () => {
  it("writes the theme's icons, or the site's own, at the root of the export", async () => {
    const own = Buffer.from("the site's own touch icon");
    const root = makeSite({
      "quire.toml": '[site]\ntitle = "T"\nbase_url = "https://blog.example"\n',
      "content/a.md":
        "Title: A\nDate: 2025-01-01 10:00\nEntry-ID: 1\nUUID: 1b0e8f2c-1d3a-4e5f-8a9b-0c1d2e3f4a01\n\nHi.\n",
      "static/apple-touch-icon.png": own,
    });
    sites.push(root);
    const out = join(mkdtempSync(join(tmpdir(), "quire-icons-")), "out");
    const run = await quire(["build", "--site", root, "--out", out], { QUIRE_DATA_DIR: join(root, ".data") });
    expect(run.code, run.stderr).toBe(0);
    const ico = readFileSync(join(out, "favicon.ico"));
    // An ICO header (reserved 0, type 1, one image) followed by a PNG.
    expect([...ico.subarray(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]);
    expect(ico.subarray(22, 26).toString("latin1")).toBe("\x89PNG");
    expect(readFileSync(join(out, "apple-touch-icon.png")).equals(own)).toBe(true);
    sites.push(out);
  }, 120_000);
});
