import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { rawGet } from "../helpers/raw-request.js";
import { launchChromium, skipWithoutChromium } from "../helpers/browser.js";
import { buildSite } from "../../src/export/index.js";

// Issue 21, item 4: active files from content/ (SVG, XML, XHTML, scripts) run nothing on the site's origin.
let root: string;
let t: TestServer;

// Marks the document when any script in it runs: inline, or the content/ script the site's CSP admits as 'self'.
const MARK = "document.documentElement.setAttribute('data-ran', 'yes')";
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<script href="/_file/files/run.js"/>
<script>${MARK}</script>
<rect width="10" height="10"/></svg>`;
const XHTML = `<html xmlns="http://www.w3.org/1999/xhtml"><head><script src="/_file/files/run.js"></script></head><body>x</body></html>`;

beforeAll(async () => {
  root = makeSite({
    "content/files/evil.svg": SVG,
    "content/files/page.xhtml": XHTML,
    "content/files/feed.xml": `<?xml version="1.0"?><x/>`,
    "content/files/run.js": `${MARK};\n`,
    "content/files/mod.mjs": `${MARK};\n`,
    "content/files/doc.pdf": "%PDF-1.4\n%%EOF\n",
    "content/files/notes.txt": "text\n",
    // An author's raw HTML that loads the content/ script: the CSP says 'self', the file's type says no.
    "content/blog/uses-script.md": `Title: Uses script\nEntry-ID: 1\nDate: 2024-01-01\n\n<script src="/_file/files/run.js"></script>\n\n[svg](/_file/files/evil.svg)\n`,
  });
  t = await serveSite(root);
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

describe("headers of files from content/", () => {
  it.each(["evil.svg", "page.xhtml", "feed.xml", "notes.txt", "run.js", "mod.mjs"])(
    "/_file/files/%s goes out sandboxed",
    async (name) => {
      const res = await rawGet(t.url, `/_file/files/${name}`);
      expect(res.status).toBe(200);
      const csp = String(res.headers["content-security-policy"]);
      expect(csp.split(";").map((d) => d.trim())).toContain("sandbox");
      expect(csp).not.toContain("allow-scripts");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    },
  );

  it("sends scripts from content/ as text, which nosniff forbids as a script", async () => {
    for (const name of ["run.js", "mod.mjs"]) {
      const res = await rawGet(t.url, `/_file/files/${name}`);
      expect(res.headers["content-type"], name).toBe("text/plain; charset=utf-8");
    }
  });

  it("keeps PDFs readable in the browser's viewer (no sandbox, which Chromium refuses for PDFs)", async () => {
    const res = await rawGet(t.url, "/_file/files/doc.pdf");
    expect(res.headers["content-type"]).toBe("application/pdf");
    expect(String(res.headers["content-security-policy"])).not.toContain("sandbox");
  });

  it("writes the same headers into a static export's _headers", async () => {
    await buildSite({ site: root, jobs: 1 });
    const headers = readFileSync(join(root, "dist", "_headers"), "utf8");
    expect(headers).toMatch(
      /\/_file\/files\/run\.js\n {2}Content-Security-Policy: sandbox;[^\n]*\n {2}Content-Type: text\/plain/,
    );
    expect(headers).toMatch(/\/_file\/files\/evil\.svg\n {2}Content-Security-Policy: sandbox;/);
  });
});

describe.skipIf(skipWithoutChromium("active content in Chromium"))("active content in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function ran(path: string): Promise<string | null> {
    const page = await browser.newPage();
    try {
      await page.goto(t.url + path, { waitUntil: "load" });
      return await page.evaluate(() => document.documentElement.getAttribute("data-ran"));
    } finally {
      await page.close();
    }
  }

  it("an SVG opened from /_file/ runs neither its inline script nor a content/ script", async () => {
    expect(await ran("/_file/files/evil.svg")).toBeNull();
  });

  it("an XHTML file opened from /_file/ runs no script", async () => {
    expect(await ran("/_file/files/page.xhtml")).toBeNull();
  });

  it("a page of the site cannot run a script file from content/ through script-src 'self'", async () => {
    expect(await ran("/blog/1-uses-script")).toBeNull();
  });
});
