import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { rawGet } from "../helpers/raw-request.js";
import { captureLog, type CapturedLog } from "../store/log-capture.js";

// Issue 21, item 8: a path that does not decode gets Quire's own 400 page and one log line.
let root: string;
let t: TestServer;
let log: CapturedLog;

beforeAll(async () => {
  root = makeSite({
    "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nA.\n",
    "templates/400.html": "<!doctype html><title>Bad</title><p class=quire-400>{{ error.message }}</p>\n",
  });
  log = captureLog();
  t = await serveSite(root, { logger: log.logger });
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

describe("paths that do not decode", () => {
  it.each(["/_file/%", "/_img/%", "/_file/a%zz.png", "/_img/x%E0%A4%A.jpg?s=1&sig=2"])(
    "%s answers the site's 400 page and logs one line without a stack",
    async (path) => {
      const before = log.lines.length;
      const res = await rawGet(t.url, path);
      expect(res.status).toBe(400);
      expect(res.body).toContain("<p class=quire-400>");
      expect(res.body).not.toMatch(/URIError|node_modules|at decodeParam/);
      expect(res.headers["content-security-policy"]).toBeTruthy();
      const lines = log.lines.slice(before);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ status: 400, url: path });
      expect(JSON.stringify(lines[0])).not.toContain("    at ");
    },
  );
});
