import { describe, it, expect, afterAll, beforeAll } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

// Issue 21, item 8: a burst of connections waits in the kernel's queue rather than being reset.
const SOMAXCONN = "/proc/sys/net/core/somaxconn";
const reason = !existsSync(SOMAXCONN)
  ? `${SOMAXCONN} is missing (not Linux)`
  : !existsSync("/usr/bin/ss") && !existsSync("/bin/ss")
    ? "ss is missing: install the Debian package iproute2"
    : null;
if (reason) console.warn(`listen backlog: skipped, ${reason}`);

describe.skipIf(reason !== null)("the listen backlog", () => {
  let root: string;
  let t: TestServer;
  beforeAll(async () => {
    root = makeSite({ "content/a.md": "Title: A\n\nA.\n" });
    t = await serveSite(root, { index: false });
  });
  afterAll(async () => {
    await t.stop();
    removeSite(root);
  });

  it("is what the kernel allows, as ss shows it on the listening socket", () => {
    const allowed = Number(readFileSync(SOMAXCONN, "utf8").trim());
    expect(t.server.backlog).toBe(allowed);
    // For a listening socket, ss prints the backlog in the Send-Q column.
    const out = execFileSync("ss", ["-ltnH", `sport = :${t.server.port}`], { encoding: "utf8" });
    const [, , sendQ] = out.trim().split(/\s+/);
    expect(Number(sendQ)).toBe(allowed);
  });
});
