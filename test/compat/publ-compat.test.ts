/** Publ's own test site, served by Quire and scored against what Publ v0.8.14 answered (`../shared/publ-compat`):
 *  the score may only go up. `publ-score.json` holds the floor and the goal, `publ-differences.json` the URLs where
 *  Quire differs from Publ on purpose. */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../helpers/server.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const run = promisify(execFile);

/** The kit: beside the clone in CI (`../shared`), or wherever QUIRE_PUBL_COMPAT points. */
const KIT = process.env.QUIRE_PUBL_COMPAT ?? join(REPO_ROOT, "..", "shared", "publ-compat");
const HERE = join(REPO_ROOT, "test", "compat");
// Absolute links are built against this origin; compare.mjs is told it is the server's own.
const SITE_URL = "http://publ-compat.quire.test";

interface Score {
  floor: Record<string, number>;
  targets: Record<string, number>;
}
interface Measured {
  url: string;
  class: string;
  status_match?: boolean;
  similarity?: number;
  images?: { oracle: number; live: number };
}

const hasKit = existsSync(join(KIT, "compare.mjs")) && existsSync(join(KIT, "site"));
if (!hasKit && process.env.CI !== "true")
  console.warn(`Publ compatibility: skipped, the kit is not at ${KIT} (set QUIRE_PUBL_COMPAT to its folder)`);

describe.skipIf(!hasKit && process.env.CI !== "true")(
  "Publ compatibility score (Publ v0.8.14's test site)",
  () => {
    let work: string;
    let t: TestServer;

    beforeAll(async () => {
      if (!hasKit) throw new Error(`the Publ compatibility kit is missing at ${KIT} (required when CI=true)`);
      work = mkdtempSync(join(tmpdir(), "quire-publ-compat-"));
      const site = join(work, "site");
      // Quire writes nothing into a site it serves with a data folder, but the kit's copy stays untouched anyway.
      cpSync(join(KIT, "site"), site, { recursive: true });
      // As Publ ran for the oracle: no sign-in (Publ's auth off), and naive dates in UTC. The kit's ABOUT.md says
      // Publ was given `timezone: 'US/Pacific'`, but that setting did not take effect: every date written without
      // an offset is shown by the oracle at the time written and `+00:00` (`/status/`: "9:09 AM +00:00",
      // `/paging/feed`: "2021-01-10T12:34:00+00:00"), and `arrow.now()` prints UTC. Quire reads naive dates in
      // its `timezone`, so UTC is what reproduces Publ's answers.
      writeFileSync(join(site, "quire.toml"), '[site]\ntimezone = "UTC"\n\n[auth]\nsign_in = false\n');
      t = await serveSite(site, { env: { QUIRE_SECRET: "publ-compat", QUIRE_BASE_URL: SITE_URL } });
    }, 180_000);

    afterAll(async () => {
      await t?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it("answers Publ's test site at least as well as the recorded floor", async () => {
      const dump = join(work, "dump.jsonl");
      await run(
        process.execPath,
        [
          join(KIT, "compare.mjs"),
          ...["--base", t.url, "--site-path", join(work, "site"), "--site-url", SITE_URL, "--json"],
          ...["--dump", dump, "--timeout", "60"],
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      const differences = JSON.parse(readFileSync(join(HERE, "publ-differences.json"), "utf8")) as {
        urls: Record<string, string>;
      };
      const score = JSON.parse(readFileSync(join(HERE, "publ-score.json"), "utf8")) as Score;
      const results = readFileSync(dump, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Measured);
      const scored = results.filter((r) => r.class === "scored" && !(r.url in differences.urls));
      // Publ answers every `/_login/` link 404 with auth off; they are more than half of the oracle and would hide the rest.
      const login = scored.filter((r) => r.url.startsWith("/_login/"));
      const rest = scored.filter((r) => !r.url.startsWith("/_login/"));
      const pages = rest.filter((r) => r.similarity !== undefined);
      const withImages = pages.filter((r) => r.images);
      const got = {
        status_matches_outside_login: rest.filter((r) => r.status_match).length,
        status_matches_login: login.filter((r) => r.status_match).length,
        pages_similarity_ge_098: pages.filter((r) => r.similarity! >= 0.98).length,
        pages_image_count_equal: withImages.filter((r) => r.images!.oracle === r.images!.live).length,
      };
      const share = (n: number, d: number) => (d === 0 ? 0 : Math.round((10000 * n) / d) / 10000);
      const figures = {
        urls_outside_login: rest.length,
        status_match_share_outside_login: share(got.status_matches_outside_login, rest.length),
        login_urls: login.length,
        login_status_match_share: share(got.status_matches_login, login.length),
        pages_both_200: pages.length,
        mean_similarity: share(
          pages.reduce((sum, r) => sum + r.similarity!, 0),
          pages.length,
        ),
        share_similarity_ge_098: share(got.pages_similarity_ge_098, pages.length),
        share_image_count_equal: share(got.pages_image_count_equal, withImages.length),
      };
      console.log(
        `Publ compatibility: ${JSON.stringify({ ...got, ...figures })}\n  goal: ${JSON.stringify(score.targets)}`,
      );
      for (const [name, floor] of Object.entries(score.floor))
        expect(got[name as keyof typeof got], `${name} fell below the recorded floor`).toBeGreaterThanOrEqual(
          floor,
        );
    }, 300_000);
  },
);
