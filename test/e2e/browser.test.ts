/** The sample site in a real browser: the default theme's pages load in headless Chromium without console
 *  errors or CSP violations, in light and dark schemes; links work; screenshots are kept as test artifacts. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { launchChromium, loadAllImages, skipWithoutChromium, watchPage } from "../helpers/browser.js";
import { REPO_ROOT, startQuire, type RunningQuire } from "../helpers/server.js";

const SCREENSHOTS = join(REPO_ROOT, "test-results", "screenshots");

/** Pages of the sample site a reader reaches first, and the status their document answers. */
const PAGES = [
  { name: "home", path: "/", status: 200 },
  { name: "entry", path: "/blog/103-Writing-an-entry", status: 200 },
  { name: "category", path: "/blog/", status: 200 },
  { name: "gallery-entry", path: "/photos/113", status: 200 },
  { name: "archive", path: "/archive", status: 200 },
  { name: "not-found", path: "/no-such-page", status: 404 },
] as const;

const SCHEMES = ["light", "dark"] as const;

describe.skipIf(skipWithoutChromium("browser test"))("the sample site in Chromium", () => {
  let quire: RunningQuire;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function newPage(colorScheme: "light" | "dark", viewport = { width: 1280, height: 900 }) {
    const context = await browser.newContext({ colorScheme, viewport, reducedMotion: "reduce" });
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    quire = await startQuire();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await quire?.stop();
  });

  for (const scheme of SCHEMES) {
    for (const target of PAGES) {
      it(`${target.name} (${target.path}) loads cleanly in the ${scheme} scheme`, async () => {
        const page = await newPage(scheme);
        const problems = await watchPage(page, {
          expectedDocumentStatus: target.status === 200 ? undefined : target.status,
        });
        const response = await page.goto(quire.url + target.path, { waitUntil: "load" });
        expect(response?.status(), quire.output()).toBe(target.status);
        await expect.poll(() => page.evaluate(() => document.fonts.status)).toBe("loaded");

        // The stylesheet applied (a themed page, not the browser's defaults), and the page has one h1 in <main>.
        const styled = await page.evaluate(
          () => getComputedStyle(document.querySelector(".site-header")!).borderBottomStyle,
        );
        expect(styled).toBe("solid");
        expect(await page.locator("main h1").count()).toBe(1);
        expect(await page.locator("header.site-header, main#main, footer.site-footer").count()).toBe(3);

        // Lazy images below the fold would be blank in a full-page screenshot: load them all, and check they decode.
        expect(await loadAllImages(page)).toEqual([]);

        await page.screenshot({ path: join(SCREENSHOTS, `${target.name}-${scheme}.png`), fullPage: true });
        // The theme itself uses no inline styles or scripts (entry text, inside .prose, is the author's).
        const inline = await page.evaluate(() => ({
          styleAttributes: Array.from(document.querySelectorAll("[style]"))
            // Playwright's screenshot leaves an empty style="" on form fields it hid the caret of: not the theme's.
            .filter((el) => !el.closest(".prose") && (el.getAttribute("style") ?? "").trim() !== "")
            .map((el) => el.outerHTML.slice(0, 80)),
          styleElements: document.querySelectorAll("style").length,
          inlineScripts: Array.from(document.scripts).filter((script) => !script.src).length,
        }));
        expect(inline).toEqual({ styleAttributes: [], styleElements: 0, inlineScripts: 0 });
        expect(problems.cspViolations).toEqual([]);
        expect(problems.errors).toEqual([]);
        expect(problems.failedRequests).toEqual([]);
      });
    }
  }

  it("follows the reader's colour scheme: dark pages have a dark background and light text", async () => {
    const colours: Record<string, { background: number; text: number }> = {};
    for (const scheme of SCHEMES) {
      const page = await newPage(scheme);
      await page.goto(`${quire.url}/`);
      colours[scheme] = await page.evaluate(() => {
        const luminance = (css: string) => {
          const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ["0", "0", "0"]).map(Number);
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const style = getComputedStyle(document.body);
        return { background: luminance(style.backgroundColor), text: luminance(style.color) };
      });
    }
    expect(colours.light!.background).toBeGreaterThan(colours.light!.text);
    expect(colours.dark!.background).toBeLessThan(colours.dark!.text);
  });

  it("every internal link on the home page answers below 400", async () => {
    const page = await newPage("light");
    await page.goto(`${quire.url}/`);
    const hrefs = await page.$$eval("a[href], link[href]", (nodes) =>
      nodes.map((n) => (n as HTMLAnchorElement | HTMLLinkElement).href),
    );
    const internal = [
      ...new Set(hrefs.filter((h) => h.startsWith(quire.url)).map((h) => h.replace(/#.*$/, ""))),
    ];
    expect(internal.length).toBeGreaterThan(10);
    const broken: string[] = [];
    for (const url of internal) {
      const res = await fetch(url, { redirect: "manual" });
      await res.arrayBuffer();
      if (res.status >= 400) broken.push(`${url}: ${res.status}`);
    }
    expect(broken).toEqual([]);
  });

  it("clicking an entry's title on the home page opens that entry", async () => {
    const page = await newPage("light");
    const problems = await watchPage(page);
    await page.goto(`${quire.url}/`);
    const link = page.locator("main article .entry-title a").first();
    const title = (await link.innerText()).trim();
    await Promise.all([page.waitForURL(/\/\d+-[^/]*$/), link.click()]);
    await expect.poll(() => page.locator("main h1").innerText()).toBe(title);
    expect(await page.title()).toContain(title);
    expect(problems.errors).toEqual([]);
  });

  it("the skip link is the first thing the keyboard reaches and moves focus to the main content", async () => {
    const page = await newPage("light");
    await page.goto(`${quire.url}/blog/103-Writing-an-entry`);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(focused).toBe("Skip to content");
    expect(await page.locator(".skip-link").isVisible()).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
  });

  it("reads well on a phone: no sideways scrolling", async () => {
    for (const scheme of SCHEMES) {
      const page = await newPage(scheme, { width: 390, height: 844 });
      for (const path of ["/", "/blog/103-Writing-an-entry"]) {
        await page.goto(quire.url + path);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
      await page.goto(`${quire.url}/`);
      expect(await loadAllImages(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `home-phone-${scheme}.png`), fullPage: true });
    }
  });
});
