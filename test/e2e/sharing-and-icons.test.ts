/**
 * Issue 19, items 10 and 11, in Chromium: what sharing and a reader's browser see on the default theme.
 * Entries with images get `og:image` (an absolute rendition URL with its size) and a large Twitter card;
 * photo-only entries a description; no public address means no `og:image` rather than a relative one.
 * `/favicon.ico` and `/apple-touch-icon.png` answer (a site's own `static/` file first); the first image of a
 * page loads eagerly and the rest lazily; `style.css` is linked at a versioned URL cached for a year while
 * the plain URL still works; images open large, over the page, with a caption.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, skipWithoutChromium, watchPage } from "../helpers/browser.js";
import { REPO_ROOT, startQuire, type RunningQuire } from "../helpers/server.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

const PHOTO_ONLY = `Title: A heron
Date: 2025-01-02 10:00
Entry-ID: 1
UUID: 7c1e5d3a-2b4f-4e6a-9c8d-0e1f2a3b4c01

![A grey heron standing in the reeds at dusk](heron.jpg)
`;

const OWN_ICON = Buffer.from("not really an icon, but the site's own file");

function photoSite(): string {
  const root = makeSite({
    "quire.toml": '[site]\ntitle = "Birds"\n',
    "content/birds/heron.md": PHOTO_ONLY,
    "static/favicon.ico": OWN_ICON,
  });
  copyFileSync(join(REPO_ROOT, "content/photos/mountain-dusk.jpg"), join(root, "content/birds/heron.jpg"));
  return root;
}

/** The `content` of each `<meta property|name=…>` of the page, by that name (several for repeated ones). */
async function metaTags(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const out: Record<string, string[]> = {};
    for (const meta of Array.from(document.querySelectorAll("meta[property], meta[name]"))) {
      const key = meta.getAttribute("property") ?? meta.getAttribute("name")!;
      (out[key] ??= []).push(meta.getAttribute("content") ?? "");
    }
    return out;
  });
}

describe.skipIf(skipWithoutChromium("sharing and icons test"))(
  "sharing, icons and images in Chromium",
  () => {
    let sample: RunningQuire;
    let birds: RunningQuire;
    let noAddress: RunningQuire;
    let browser: Browser;
    const sites: string[] = [];
    const contexts: BrowserContext[] = [];

    async function newPage(): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      return context.newPage();
    }

    beforeAll(async () => {
      sites.push(photoSite(), photoSite());
      [sample, birds, noAddress, browser] = await Promise.all([
        startQuire(),
        startQuire({ site: sites[0]! }),
        // A production server with no public address anywhere.
        startQuire({
          site: sites[1]!,
          env: { QUIRE_BASE_URL: "", HEROKU_APP_NAME: "", HEROKU_APP_DEFAULT_DOMAIN_NAME: "" },
        }),
        launchChromium(),
      ]);
    }, 120_000);

    afterAll(async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close();
      await Promise.all([sample?.stop(), birds?.stop(), noAddress?.stop()]);
      sites.forEach(removeSite);
    });

    it("an entry with an image shares it: og:image at an absolute rendition URL with its size, and a large card", async () => {
      const page = await newPage();
      await page.goto(`${sample.url}/photos/112-Dusk-over-the-ridge`);
      const meta = await metaTags(page);
      expect(meta["og:image"]).toHaveLength(1);
      const image = meta["og:image"]![0]!;
      expect(image.startsWith(`${sample.url}/_img/`)).toBe(true);
      expect(meta["twitter:card"]).toEqual(["summary_large_image"]);
      // The size given is the size of the image that URL serves.
      const size = await page.evaluate(async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        return [img.naturalWidth, img.naturalHeight];
      }, image);
      expect([Number(meta["og:image:width"]![0]), Number(meta["og:image:height"]![0])]).toEqual(size);
      expect(meta["og:description"]![0]).not.toBe("");

      await page.goto(`${sample.url}/blog/103-Writing-an-entry`);
      const plain = await metaTags(page);
      expect(plain["og:image"]).toBeUndefined();
      expect(plain["twitter:card"]).toEqual(["summary"]);
    });

    it("a photo-only entry gets a description from its image's alt text", async () => {
      const page = await newPage();
      await page.goto(`${birds.url}/birds/1-A-heron`);
      const meta = await metaTags(page);
      const alt = "A grey heron standing in the reeds at dusk";
      expect(meta["og:description"]).toEqual([alt]);
      expect(meta.description).toEqual([alt]);
      expect(meta["twitter:description"]).toEqual([alt]);
      expect(meta["twitter:card"]).toEqual(["summary_large_image"]);
    });

    it("without a public address there is no og:image (never a relative one) and the card stays small", async () => {
      const page = await newPage();
      await page.goto(`${noAddress.url}/birds/1-A-heron`);
      const meta = await metaTags(page);
      expect(meta["og:image"]).toBeUndefined();
      expect(meta["og:image:width"]).toBeUndefined();
      expect(meta["twitter:card"]).toEqual(["summary"]);
      expect(noAddress.output()).toContain("no public address is set");
      // The same site with an address shares the image.
      await page.goto(`${birds.url}/birds/1-A-heron`);
      expect((await metaTags(page))["og:image"]![0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_img\//);
    });

    it("/favicon.ico and /apple-touch-icon.png answer with images; a site's own static/favicon.ico wins", async () => {
      const page = await newPage();
      await page.goto(`${sample.url}/`);
      const sizes = await page.evaluate(async () => {
        const load = async (src: string) => {
          const img = new Image();
          img.src = src;
          await img.decode();
          return img.naturalWidth;
        };
        return { ico: await load("/favicon.ico"), touch: await load("/apple-touch-icon.png") };
      });
      expect(sizes).toEqual({ ico: 32, touch: 180 });
      const ico = await fetch(`${sample.url}/favicon.ico`);
      expect(ico.headers.get("content-type")).toBe("image/x-icon");

      for (const path of ["/favicon.ico", "/static/favicon.ico"]) {
        const own = await fetch(birds.url + path);
        expect(own.status, path).toBe(200);
        expect(Buffer.from(await own.arrayBuffer()).equals(OWN_ICON), path).toBe(true);
      }
      // The site has no touch icon of its own: the theme's answers.
      expect((await fetch(`${birds.url}/apple-touch-icon.png`)).headers.get("content-type")).toBe(
        "image/png",
      );
    });

    it("the first image of a page loads at once, the ones after it lazily", async () => {
      const page = await newPage();
      for (const path of ["/photos/113-Tiles-and-dusk-a-small-gallery", "/photos/"]) {
        await page.goto(sample.url + path);
        const loading = await page.$$eval("main img", (imgs) =>
          imgs.map((i) => (i as HTMLImageElement).loading),
        );
        expect(loading.length, path).toBeGreaterThan(1);
        expect(loading[0], path).toBe("eager");
        expect(new Set(loading.slice(1)), path).toEqual(new Set(["lazy"]));
      }
    });

    it("style.css is linked at a versioned URL cached for a year; the plain URL still answers", async () => {
      const page = await newPage();
      await page.goto(`${sample.url}/`);
      const href = await page.$eval('link[rel="stylesheet"]', (l) => l.getAttribute("href"));
      expect(href).toMatch(/^\/style\.css\?v=[0-9a-f]{12}$/);
      const versioned = await fetch(sample.url + href);
      expect(versioned.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      const plain = await fetch(`${sample.url}/style.css`);
      expect(plain.status).toBe(200);
      expect(plain.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
      const css = await versioned.text();
      expect(await plain.text()).toBe(css);
      expect(css).toBe(readFileSync(join(REPO_ROOT, "templates/style.css"), "utf8"));
      // An old version (a page still in some cache) gets today's file, but not for a year.
      const stale = await fetch(`${sample.url}/style.css?v=000000000000`);
      expect(stale.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    });

    it("a gallery image opens large over the page, with its caption, and closes again", async () => {
      const page = await newPage();
      const problems = await watchPage(page);
      await page.goto(`${sample.url}/photos/113-Tiles-and-dusk-a-small-gallery`);
      const link = page.locator("main a[data-lightbox]").first();
      const full = await link.getAttribute("href");
      expect(full).toMatch(/^\/_img\//);
      const thumbWidth = await link.locator("img").evaluate((img) => (img as HTMLImageElement).width);
      await link.click();
      const dialog = page.locator("dialog.lightbox");
      await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
      await expect
        .poll(() => dialog.locator("img").evaluate((img) => (img as HTMLImageElement).naturalWidth))
        .toBeGreaterThan(thumbWidth);
      expect(await dialog.locator("img").getAttribute("src")).toBe(sample.url + full!);
      expect(await dialog.locator("figcaption").innerText()).toBe("Dusk");
      expect(page.url()).toContain("/photos/113-");
      await page.keyboard.press("ArrowRight");
      await expect.poll(() => dialog.locator("figcaption").innerText()).toBe("Tiles from a station wall");
      // The second image is the full-size one too, and has loaded.
      await expect
        .poll(() => dialog.locator("img").evaluate((img) => (img as HTMLImageElement).complete))
        .toBe(true);
      await page.keyboard.press("Escape");
      await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
      expect(problems.errors).toEqual([]);
      expect(problems.cspViolations).toEqual([]);
      expect(problems.failedRequests).toEqual([]);
      // Without the script the link itself is the full-size image.
      const res = await fetch(sample.url + full!);
      expect(res.headers.get("content-type")).toMatch(/^image\//);
    });
  },
);
