import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { captureLog, type CapturedLog } from "../store/log-capture.js";
import { MAX_INCLUDE_DEPTH } from "../../src/template/include-depth.js";

// Issue 21, item 6: a template that includes itself answered 500 after 5.4 s, with the server stalled.

let root: string;
let t: TestServer;
let log: CapturedLog;

beforeAll(async () => {
  root = makeSite({
    "templates/index.html": "index",
    "templates/loop.html": "[{% include '_loop.html' %}]",
    "templates/_loop.html": "x{% include '_loop.html' %}",
    "templates/loop2.html": "({% include '_loop.html' %})",
    // A recursive include that ends, as Jinja themes write nested menus: it must keep working.
    "templates/tree.html": "{% set level = 0 %}{% include '_branch.html' %}",
    "templates/_branch.html":
      "<{{ level }}>{% if level < 20 %}{% set level = level + 1 %}{% include '_branch.html' %}{% endif %}",
    "templates/500.html": "themed 500",
    "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nText.\n",
  });
  log = captureLog();
  t = await serveSite(root, { logger: log.logger });
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

describe("a template that includes itself", () => {
  it("fails with a 500 whose logged error names the template and the depth", async () => {
    const res = await t.get("/loop");
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("themed 500");
    const line = log.lines.find((l) => String(l.error ?? "").includes("E_TEMPLATE_DEPTH"));
    expect(String(line?.error)).toContain("templates/_loop.html");
    expect(String(line?.error)).toContain(`more than ${MAX_INCLUDE_DEPTH} templates deep`);
  });

  it("unwinds without formatting a stack trace at every level, and puts the stack trace limit back", async () => {
    // The engine wraps the error anew at each of the 48 levels, formatting a stack trace each time: 40–75 ms of
    // CPU per request, on the main thread. Count the stack frames formatted while the page fails.
    const limit = Error.stackTraceLimit;
    const before = Error.prepareStackTrace;
    let frames = 0;
    Error.prepareStackTrace = (err, stack) => {
      frames += stack.length;
      return `${err.name}: ${err.message}`;
    };
    let status = 0;
    try {
      status = (await t.get("/loop2")).status;
    } finally {
      Error.prepareStackTrace = before;
    }
    expect(status).toBe(500);
    expect(frames).toBeLessThan(MAX_INCLUDE_DEPTH);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("answers the same path 500 again without rendering it, until the content or templates change", async () => {
    const failures = () => log.lines.filter((l) => String(l.error ?? "").includes("E_TEMPLATE_DEPTH")).length;
    const before = failures();
    // Another query on the same path: the same themed 500, no render, no second error line.
    const again = await t.get("/loop?page=2");
    expect(again.status).toBe(500);
    expect(await again.text()).toBe("themed 500");
    expect(failures()).toBe(before);
    // A change to the content: rendered (and failing) again.
    writeFileSync(join(root, "content", "b.md"), "Title: B\nEntry-ID: 2\nDate: 2024-01-02\n\nText.\n");
    await t.site.refresh();
    expect((await t.get("/loop")).status).toBe(500);
    expect(failures()).toBe(before + 1);
  });

  it("leaves recursive includes that end working", async () => {
    const res = await t.get("/tree");
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("<0><1>");
    expect(body).toContain("<20>");
  });
});
