/** The Publ compatibility kit's language probes: 89 one-construct templates, each served as a root-category
 *  template, must print exactly what Publ v0.8.14 printed (and fail where Publ failed). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { photo } from "../image/images.js";
import { REPO_ROOT } from "../helpers/server.js";
import { freePort } from "../helpers/process.js";

interface Probe {
  name: string;
  group: string;
  template: string;
  publ_status: number;
  publ_output: string | null;
}

const probes = JSON.parse(
  readFileSync(join(REPO_ROOT, "test", "fixtures", "publ-language-probes.json"), "utf8"),
) as Probe[];

// Publ's harness had `e` (entry 232) and `f` (an entry with a Syndication header) in scope.
const PRELUDE = "{% set e = get_entry(232) %}{% set f = get_entry(233) %}";

let site: string;
let server: TestServer;

beforeAll(async () => {
  const files: Record<string, string | Buffer> = {
    // As Publ was run for the probes: without sign-in, and absolute URLs (`request.host`) naming the address it is
    // asked at. Quire takes those from its base URL, never from the Host header, so the base URL is that address.
    "quire.toml": '[site]\ntitle = "Probes"\ntimezone = "US/Pacific"\n\n[auth]\nsign_in = false\n',
    "content/blog/e.md": "Title: Entry e\nEntry-ID: 232\nDate: 2020-01-01 12:00:00-08:00\n\nText.\n",
    "content/blog/f.md":
      "Title: Entry f\nEntry-ID: 233\nDate: 2020-01-02 12:00:00-08:00\nSyndication: https://news.indieweb.org/en\n\nText.\n",
    "content/blog/catpics/DSC07661.jpg": await photo(640, 480),
  };
  probes.forEach((p, i) => {
    files[`templates/probe-${i}.html`] = `${PRELUDE}<p id="out">${p.template}</p>`;
  });
  site = makeSite(files);
  const port = await freePort();
  server = await serveSite(site, {
    port,
    env: { QUIRE_SECRET: "test-secret", QUIRE_BASE_URL: `http://127.0.0.1:${port}` },
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (site) removeSite(site);
});

/** The status and the inner HTML of `<p id="out">`, with this server's port and the probe's path made neutral. */
async function run(i: number): Promise<{ status: number; output: string | null }> {
  const res = await server.get(`/probe-${i}`);
  const body = await res.text();
  if (res.status !== 200) return { status: res.status, output: null };
  const m = /<p id="out">([\s\S]*)<\/p>/.exec(body);
  return { status: res.status, output: m ? neutral(m[1]!) : body };
}

function neutral(s: string): string {
  return s.replace(/\/probe-\d+/g, "/probe-N").replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT");
}

describe("Publ's language probes", () => {
  probes.forEach((p, i) => {
    it(`${p.group}: ${p.name}`, async () => {
      const got = await run(i);
      expect(got).toEqual({
        status: p.publ_status,
        output: p.publ_output === null ? null : neutral(p.publ_output),
      });
    });
  });
});
