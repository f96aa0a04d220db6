/** Headless Chromium for end-to-end tests: Debian's `chromium` driven by playwright-core, plus a watcher that
 *  records what a reader's console would show (errors, CSP violations, failed requests). */
import { accessSync, constants } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/** Where Debian installs Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags for a quiet, sandbox-free headless run in containers and CI (no network calls of its own). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Why Chromium cannot run here, or null when it can. */
export function chromiumMissing(): string | null {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return null;
  } catch {
    return `${CHROMIUM_PATH} is missing: install the Debian package "chromium" (apt-get install -y chromium)`;
  }
}

/** True when browser suites should be skipped: only off CI, and never silently. Under CI=true the suite runs
 *  and fails at launch instead, so a missing install cannot turn into a green build. */
export function skipWithoutChromium(suite: string): boolean {
  const reason = chromiumMissing();
  if (!reason) return false;
  if (process.env.CI === "true") return false;
  console.warn(`${suite}: skipped, ${reason}`);
  return true;
}

/** Launches headless Chromium; throws a clear error when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  const reason = chromiumMissing();
  if (reason) throw new Error(reason);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** What went wrong on a page, as a reader with the developer tools open would see it. */
export interface PageProblems {
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Content-Security-Policy violations (blocked inline styles, scripts, external requests…). */
  cspViolations: string[];
  /** Sub-resources that failed to load or answered 400 or more. */
  failedRequests: string[];
}

/**
 * Starts recording problems on a page; call before `goto`. `expectedStatus` lets an error page's own
 * document answer 404 without counting as a failure (its sub-resources still must load).
 */
export async function watchPage(
  page: Page,
  options: { expectedDocumentStatus?: number } = {},
): Promise<PageProblems> {
  const problems: PageProblems = { errors: [], cspViolations: [], failedRequests: [] };
  const expected = options.expectedDocumentStatus;
  const documentFailure = (text: string) => expected !== undefined && text.includes(`status of ${expected}`);

  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline content"}`,
      );
    });
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    const where = message.location().url;
    if (documentFailure(text) && where === page.url()) return;
    if (/Content Security Policy|CSP violation/i.test(text)) problems.cspViolations.push(text);
    else problems.errors.push(`${text}${where ? ` (${where})` : ""}`);
  });
  page.on("pageerror", (error) => problems.errors.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    problems.failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? "failed"}`);
  });
  page.on("response", (response) => {
    const isDocument =
      response.request().isNavigationRequest() && response.request().frame() === page.mainFrame();
    if (isDocument && expected !== undefined && response.status() === expected) return;
    if (response.status() >= 400)
      problems.failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
  });
  return problems;
}

/** Loads every image now (lazy ones below the fold included, so full-page screenshots are complete) and
 *  returns the URLs of those that failed to decode. */
export async function loadAllImages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const all = Array.from(document.images);
    for (const img of all) img.loading = "eager";
    await Promise.all(all.map((img) => img.decode().catch(() => undefined)));
    return all
      .filter((img) => !(img.complete && img.naturalWidth > 0))
      .map((img) => img.currentSrc || img.src);
  });
}
