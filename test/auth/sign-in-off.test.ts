/** `[auth] sign_in = false`: no sign-in pages (404 at Publ's paths, as Publ answers with auth off); private
 *  entries stay private and a bearer token still reads them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { tokenCommand } from "../../src/cli/token-command.js";

let root: string;
let t: TestServer;

beforeAll(async () => {
  root = makeSite({
    "quire.toml": "[auth]\nsign_in = false\n",
    "users.cfg": "[friends]\nmailto:friend@example.com\n",
    "content/blog/secret.md":
      "Title: Secret\nEntry-ID: 7\nDate: 2024-01-01\nAuth: friends\n\nSECRET-BODY text.\n",
  });
  t = await serveSite(root);
});
afterAll(async () => {
  await t?.stop();
  removeSite(root);
});

describe("a site with sign-in turned off", () => {
  it("answers 404 at /_login, /_login/<path> and /_logout", async () => {
    for (const path of ["/_login", "/_login/7", "/_logout"]) {
      expect((await t.get(path)).status, path).toBe(404);
    }
  });

  it("keeps private entries private, and a bearer token still reads them", async () => {
    const anonymous = await t.get("/blog/7-Secret");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain("SECRET-BODY");

    const lines: string[] = [];
    const out = { line: (s: string) => lines.push(s), err: () => undefined };
    const env = process.env.QUIRE_SECRET;
    process.env.QUIRE_SECRET = "test-secret";
    try {
      expect(tokenCommand(["mailto:friend@example.com", "--site", root], out as never)).toBe(0);
    } finally {
      if (env === undefined) delete process.env.QUIRE_SECRET;
      else process.env.QUIRE_SECRET = env;
    }
    const token = lines[lines.length - 1]!;
    const res = await t.get("/blog/7-Secret", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("SECRET-BODY");
  });
});
