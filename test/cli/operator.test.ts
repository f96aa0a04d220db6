/**
 * Issue 19, item 12: JSON logs with level names, one per line even for Node's multi-line warnings; an
 * optional access-log line per request; `/_health` for load balancers (503 until the index is ready).
 */
import { afterAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuire } from "../helpers/server.js";
import { Site } from "../../src/site.js";
import { startServer } from "../../src/http/server.js";
import { logProcessWarnings, silentLogger } from "../../src/log.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

function site(): string {
  const root = makeSite({
    "quire.toml": '[site]\ntitle = "T"\nbase_url = "https://example.com"\n',
    "content/blog/post.md":
      "Title: A post\nEntry-ID: 7\nUUID: 0b6a4b8e-3f5e-4c47-9d8e-1f2a3b4c5d6e\nDate: 2024-01-01 10:00\n\nHello.\n",
  });
  sites.push(root);
  return root;
}

/** The JSON lines a server printed; every line must be one. */
function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("/_health", () => {
  it("answers 503 before the first index and 200 once it is ready", async () => {
    const s = new Site({
      site: site(),
      logger: silentLogger(),
      inlineIndexer: true,
      env: { QUIRE_SECRET: "x" },
    });
    const server = await startServer(s, 0, "127.0.0.1");
    try {
      const before = await fetch(`http://127.0.0.1:${server.port}/_health`);
      expect(before.status).toBe(503);
      expect(before.headers.get("retry-after")).toBe("2");
      await s.start();
      const after = await fetch(`http://127.0.0.1:${server.port}/_health`);
      expect(after.status).toBe(200);
      expect(await after.json()).toEqual({ status: "ok" });
    } finally {
      await server.stop(1000);
    }
  });
});

describe("the production log", () => {
  it("is JSON with level names, with an access line per request (status, time, cache) when asked", async () => {
    const server = await startQuire({ site: site(), env: { QUIRE_ACCESS_LOG: "1" } });
    try {
      // The readiness probe's first 200 rendered the page (a miss); these two come from the page cache.
      await (await fetch(`${server.url}/`)).text();
      await (await fetch(`${server.url}/`)).text();
      const lines = () =>
        jsonLines(server.output()).filter((l) => l.msg === "request" && l.url === "/" && l.status === 200);
      while (lines().filter((l) => l.cache === "hit").length < 2) await new Promise((r) => setTimeout(r, 50));
      const all = jsonLines(server.output());
      expect(all.every((l) => typeof l.level === "string")).toBe(true);
      expect(lines()[0]).toMatchObject({ level: "info", method: "GET", status: 200, cache: "miss" });
      expect(lines().filter((l) => l.cache === "hit")).toHaveLength(2);
      expect(lines().every((l) => typeof l.ms === "number")).toBe(true);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("has no access lines by default", async () => {
    const server = await startQuire({ site: site() });
    try {
      await (await fetch(`${server.url}/`)).text();
      expect(jsonLines(server.output()).some((l) => l.msg === "request")).toBe(false);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("carries a multi-line process warning (as the AWS SDK emits on Node 20) as one JSON line", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });
    logProcessWarnings(logger);
    const seen = new Promise((r) => process.once("warning", r));
    process.emitWarning(
      "The AWS SDK for JavaScript (v3)\nwill require node >=22.\n\nMore information",
      "NodeVersionSupportWarning",
    );
    await seen;
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      warning: "NodeVersionSupportWarning",
      msg: "The AWS SDK for JavaScript (v3) will require node >=22. More information",
    });
  });
});
