/** Private entries in a real browser (Chromium through playwright-core) against `quire serve`: a signed-out
 *  reader gets 401, signs in on /_login, reads the entry, signs out and gets 401 again. */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium, skipWithoutChromium } from "../helpers/browser.js";
import { REPO_ROOT, startQuire, type RunningQuire } from "../helpers/server.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";

const ENTRY = "/blog/501-For-friends";

describe.skipIf(skipWithoutChromium("sign-in browser test"))("signing in with Chromium", () => {
  let root: string;
  let quire: RunningQuire;
  let browser: Browser;

  beforeAll(async () => {
    root = makeSite(
      {
        "quire.toml": '[site]\ntitle = "Browser sign-in"\n[auth]\ntest_identities = true\n',
        "users.cfg": "[friends]\ntest:friend\n",
        "content/blog/public.md": "Title: Hello\nEntry-ID: 500\nDate: 2024-01-01\n\nA public entry.\n",
        "content/blog/friends.md":
          "Title: For friends\nEntry-ID: 501\nDate: 2024-01-02\nAuth: friends\n\nONLY-FOR-FRIENDS text.\n",
      },
      "quire-browser-auth-",
    );
    cpSync(join(REPO_ROOT, "templates"), join(root, "templates"), { recursive: true });
    quire = await startQuire({ site: root, env: { NODE_ENV: "test" } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await quire?.stop();
    if (root) removeSite(root);
  });

  it("signs in, reads the private entry, signs out and is refused again", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const refused = await page.goto(quire.url + ENTRY);
      expect(refused?.status()).toBe(401);
      expect(await page.content()).not.toContain("ONLY-FOR-FRIENDS");

      await page.goto(`${quire.url}/_login?redirect=${encodeURIComponent(ENTRY)}`);
      await page.fill('#login-test input[name="me"]', "test:friend");
      await Promise.all([
        page.waitForURL(quire.url + ENTRY),
        page.click('#login-test button[type="submit"]'),
      ]);
      expect(await page.textContent("body")).toContain("ONLY-FOR-FRIENDS text.");
      const cookie = (await context.cookies()).find((c) => c.name === "quire_session");
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe("Lax");

      await page.goto(`${quire.url}/_logout`);
      expect((await context.cookies()).find((c) => c.name === "quire_session")).toBeUndefined();
      const again = await page.goto(quire.url + ENTRY);
      expect(again?.status()).toBe(401);
      expect(await page.content()).not.toContain("ONLY-FOR-FRIENDS");
    } finally {
      await context.close();
    }
  });
});
