/**
 * The index built at deploy time (`quire index` in the build step, into `<site>/.quire`) is what `quire serve`
 * answers from, from its first request; the refresh that checks it against content/ runs in the background.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FROM_SOURCE, QUIRE_BIN } from "../helpers/process.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { bootAndProbe } from "./boot-probe.js";

const ENTRIES = 2000;
const sites: string[] = [];

afterAll(() => {
  for (const site of sites) removeSite(site);
});

/** A site of ENTRIES entries in ten categories, none with an Entry-ID. */
function bigSite(): { root: string; files: string[] } {
  const root = makeSite({ "quire.toml": '[site]\ntitle = "Deploy index"\n' }, "quire-deploy-index-");
  sites.push(root);
  const files: string[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const category = `c${i % 10}`;
    mkdirSync(join(root, "content", category), { recursive: true });
    const file = join(root, "content", category, `entry-${i}.md`);
    // Entry 7 is the newest of its category, so it heads the first page of /c7/.
    const date = i === 7 ? "2024-03-01" : `2024-02-${String((i % 28) + 1).padStart(2, "0")}`;
    writeFileSync(file, `Title: Entry ${i}\nDate: ${date} 10:00:00+00:00\n\nThe body of entry ${i}.\n`);
    files.push(file);
  }
  return { root, files };
}

/** `quire index --site <root>` from source: what the build step runs. */
function deployIndex(root: string): void {
  const result = spawnSync(process.execPath, [QUIRE_BIN, "index", "--site", root], {
    env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE },
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`indexed ${ENTRIES} entries`));
}

describe("deploy-time index", () => {
  it("serves from the first answer (never 503), and checks the index against content/ in the background", async () => {
    const { root, files } = bigSite();
    deployIndex(root);
    // Between build and boot every file gets a new mtime (a fresh slug), and one entry really changes.
    const later = new Date(Date.now() + 60_000);
    for (const file of files) utimesSync(file, later, later);
    writeFileSync(
      files[7]!,
      "Title: Entry 7, edited after the build\nDate: 2024-03-01 10:00:00+00:00\n\nNew body.\n",
    );

    const server = await bootAndProbe(root, "/c7/");
    // The first answer the server ever gave was the page, from the deploy-time index.
    expect(server.statuses).toEqual([200]);
    expect(server.firstBody).toContain("Entry 7");
    expect(server.firstBody).not.toContain("edited after the build");
    // The refresh (re-reading 2,000 files with new mtimes) had not finished: boot did not wait for it.
    expect(server.refreshedBeforeFirst200).toBe(false);

    // Once the refresh is done, the edit made after the build shows.
    const deadline = Date.now() + 60_000;
    let body = "";
    while (Date.now() < deadline) {
      body = await (await fetch(`${server.url}/c7/`)).text();
      if (body.includes("edited after the build")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(body).toContain("Entry 7, edited after the build");
    expect(server.output()).toMatch(new RegExp(`indexed ${ENTRIES} entries`));
    expect(server.output()).not.toMatch(/rebuilding it from content/);
    expect(await server.stop()).toBe(0);
  }, 120_000);
});
