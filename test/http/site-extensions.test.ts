/** A site's `extensions.mjs`: its filters, tests and globals reach templates, a broken file is reported with its
 *  line, and under `--dev` an edited file takes effect without a restart. */
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { Site } from "../../src/site.js";
import { silentLogger } from "../../src/log.js";
import { QuireError } from "../../src/errors.js";

const EXTENSIONS = `
export const filters = {
  shout: (s, ...rest) => String(s).toUpperCase() + "!".repeat(rest[0] ?? 1),
  hashtag: (s) => "#" + String(s).replace(/\\s+/g, ""),
};
export const tests = { long: (s, n) => String(s).length > (n ?? 5) };
export const globals = { greeting: "hello", twice: (x) => [x, x] };
`;

const files = {
  "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nText.\n",
  "templates/index.html":
    "{{ 'hi'|shout(3) }} {{ 'Quire Rocks'|hashtag }} {{ 'abcdefgh' is long }} {{ 'ab' is long(1) }} {{ greeting }} {{ twice(1) }} {{ [3,1,2]|sort|join(',') }}",
};

let site: string | undefined;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (site) removeSite(site);
  site = undefined;
});

describe("site extensions", () => {
  it("adds the site's filters, tests and globals beside Jinja's own", async () => {
    site = makeSite({ ...files, "extensions.mjs": EXTENSIONS });
    server = await serveSite(site);
    const res = await server.get("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("HI!!! #QuireRocks True True hello [1, 1] 1,2,3");
  });

  it("reports a syntax error with the file and its line, and the site does not start", () => {
    site = makeSite({
      ...files,
      "extensions.mjs": "export const filters = {\n  ok: (s) => s,\n  bad: (s) => s +,\n};\n",
    });
    const start = () =>
      new Site({
        site: site!,
        dataDir: join(site!, ".quire"),
        logger: silentLogger(),
        env: { QUIRE_SECRET: "x" },
      });
    expect(start).toThrow(QuireError);
    try {
      start();
    } catch (err) {
      expect((err as QuireError).describe()).toMatch(
        /^extensions\.mjs:3: could not load the site's extensions/,
      );
    }
  });

  it("reports an error thrown while loading with its line, and a filter that is not a function by name", () => {
    site = makeSite({ ...files, "extensions.mjs": "const x = 1;\nthrow new Error('boom');\n" });
    const start = () =>
      new Site({
        site: site!,
        dataDir: join(site!, ".quire"),
        logger: silentLogger(),
        env: { QUIRE_SECRET: "x" },
      });
    expect(() => start()).toThrow(/boom/);
    try {
      start();
    } catch (err) {
      expect((err as QuireError).line).toBe(2);
    }
    // A new site: Node keeps a module it has loaded once, failed or not, for the life of the process.
    removeSite(site);
    site = makeSite({ ...files, "extensions.mjs": "export const filters = { nope: 3 };\n" });
    expect(() => start()).toThrow(/filters\.nope is not a function/);
  });

  it("under --dev, picks up an edited extensions file without a restart", async () => {
    site = makeSite({ ...files, "extensions.mjs": EXTENSIONS });
    server = await serveSite(site, { dev: true, watch: true });
    expect(await (await server.get("/")).text()).toContain("HI!!!");
    const changed = new Promise<void>((done) => server!.site.onChange(done));
    writeFileSync(join(site, "extensions.mjs"), EXTENSIONS.replace("toUpperCase()", "toLowerCase()"));
    await changed;
    expect(await (await server.get("/")).text()).toContain("hi!!!");
  });
});
