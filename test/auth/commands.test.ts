/** `quire token` prints a bearer token a server with the same secret accepts (as its last line), refuses bad
 *  lifetimes by name; `quire check` names Auth: groups users.cfg does not define and says how readers sign in. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { tokenCommand } from "../../src/cli/token-command.js";
import { checkCommand } from "../../src/cli/index-command.js";
import { Signer } from "../../src/auth/signed-value.js";
import type { Output } from "../../src/cli/output.js";

function capture(): Output & { lines: string[]; errs: string[] } {
  const lines: string[] = [];
  const errs: string[] = [];
  return {
    lines,
    errs,
    line: (t) => lines.push(t),
    err: (t) => errs.push(t),
    json: (v) => lines.push(JSON.stringify(v)),
  };
}

let root: string;
const savedSecret = process.env.QUIRE_SECRET;

beforeAll(() => {
  process.env.QUIRE_SECRET = "commands-secret";
  root = makeSite({
    "users.cfg": "[friends]\nmailto:a@example.com\n",
    "content/a.md":
      "Title: A\nEntry-ID: 1\nUUID: 6c0b7d35-8a3b-4d2e-9b8e-0d1c2b3a4f5e\nDate: 2024-01-01\nAuth: frends\n\nText.\n",
  });
});
afterAll(() => {
  if (savedSecret === undefined) delete process.env.QUIRE_SECRET;
  else process.env.QUIRE_SECRET = savedSecret;
  removeSite(root);
});

describe("quire token", () => {
  it("prints a token for the identity, scope and lifetime, verifiable with the site secret", () => {
    const out = capture();
    expect(
      tokenCommand(["mailto:a@example.com", "--scope", "feed", "--lifetime", "2h", "--site", root], out),
    ).toBe(0);
    const claim = new Signer("commands-secret").verify(out.lines[out.lines.length - 1], "token");
    expect(claim?.me).toBe("mailto:a@example.com");
    expect(claim?.scope).toBe("feed");
    expect(claim!.exp - claim!.iat).toBe(7200);
    expect(new Signer("other-secret").verify(out.lines[out.lines.length - 1], "token")).toBeNull();
  });

  it("refuses a lifetime it cannot read, naming the flag", () => {
    expect(() => tokenCommand(["x", "--lifetime", "forever", "--site", root], capture())).toThrow(
      /--lifetime "forever"/,
    );
    expect(() => tokenCommand(["--site", root], capture())).toThrow(/give one identity/);
  });
});

describe("quire check", () => {
  it("names a group no [group] defines and says how readers sign in", async () => {
    const out = capture();
    process.env.QUIRE_BASE_URL = "https://blog.example.com";
    try {
      await checkCommand(["--site", root], out);
    } finally {
      delete process.env.QUIRE_BASE_URL;
    }
    expect(out.errs).toContain(
      'warning: content/a.md: Auth: names "frends", which no [frends] group in users.cfg defines',
    );
    expect(out.errs.some((e) => e.includes("1 private entry: readers sign in at /_login"))).toBe(true);
  });
});

describe("quire check without a public address", () => {
  it("says readers cannot sign in and only bearer tokens read private entries", async () => {
    const out = capture();
    await checkCommand(["--site", root], out);
    const line = out.errs.find((e) => e.includes("1 private entry, but no public address is set"));
    expect(line, out.errs.join("\n")).toMatch(/only bearer tokens \(quire token IDENTITY\)/);
  });
});

describe("quire check with sign-in off", () => {
  it("says only bearer tokens can read the private entries", async () => {
    const off = makeSite({
      "quire.toml": '[site]\nbase_url = "https://blog.example.com"\n[auth]\nsign_in = false\n',
      "users.cfg": "[friends]\nmailto:a@example.com\n",
      "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\nAuth: friends\n\nText.\n",
    });
    try {
      const out = capture();
      await checkCommand(["--site", off], out);
      expect(out.errs.join("\n")).toContain(
        "1 private entry, and sign-in is off ([auth] sign_in = false): only bearer tokens (quire token IDENTITY) can read them",
      );
    } finally {
      removeSite(off);
    }
  });
});
