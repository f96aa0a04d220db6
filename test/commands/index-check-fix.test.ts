import { describe, it, expect, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { FROM_SOURCE, QUIRE_BIN, REPO } from "../helpers/process.js";

const run = promisify(execFile);
const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

async function quire(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [QUIRE_BIN, ...args], {
      env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("quire index", () => {
  it("writes the index, exits 0 even with skipped files, and prints a JSON summary", async () => {
    const root = makeSite({
      "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nA.\n",
      "content/b.md": "Title: B\nDate: someday\n\nB.\n",
      "content/c.md": "---js\n{}\n---\n",
    });
    sites.push(root);
    const data = mkdtempSync(join(tmpdir(), "quire-cli-"));
    const r = await quire(["index", "--site", root, "--data", data, "--json"]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ entries: 2, files: 3, index: join(data, "index.db") });
    expect(typeof summary.ms).toBe("number");
    expect(
      (summary.problems as { code: string; file: string }[]).map((p) => [p.file, p.code]).sort(),
    ).toEqual([
      ["content/b.md", "E_ENTRY_DATE"],
      ["content/c.md", "E_ENTRY_FRONT_MATTER_ENGINE"],
    ]);
    expect(existsSync(join(data, "index.db"))).toBe(true);
    const text = await quire(["index", "--site", root, "--data", data]);
    expect(text.stdout).toMatch(/^indexed 2 entries in 1 category \(3 files; .* with 2 problems in \d+ ms/);
  });
});

describe("quire check", () => {
  it("passes the sample site with exit 0", async () => {
    // A data folder of its own: other test files check the sample site at the same time.
    const data = mkdtempSync(join(tmpdir(), "quire-check-"));
    sites.push(data);
    const r = await quire(["check", "--site", REPO], { QUIRE_SECRET: "x", QUIRE_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^no problems in \d+ entries/);
  });

  it("names file, line, field and code of every problem and exits 1; unknown config keys are errors", async () => {
    const root = makeSite({
      "quire.toml": '[site]\ntitel = "typo"\n',
      "content/a.md": "Title: A\nStatus: PUBLISHD\n\nA.\n",
    });
    sites.push(root);
    const r = await quire(["check", "--site", root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("quire.toml: unknown key `site.titel`");
    expect(r.stdout).toMatch(/content\/a\.md:2: Status "PUBLISHD" is not a status .*\(E_ENTRY_STATUS\)/);
    expect(r.stderr).toContain("no public address is set");
    expect(r.stderr).not.toContain("QUIRE_SECRET");
  });

  it("refuses a folder that is not a site", async () => {
    const r = await quire(["check", "--site", tmpdir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not a Quire site: it has no content/ folder");
  });
});

describe("quire fix", () => {
  it("stamps Entry-ID, UUID and Date into entries that lack them, never drafts, and lists them", async () => {
    const root = makeSite({
      "content/a.md": "Title: A\n\nBody of A.\n",
      "content/d.md": "Title: D\nStatus: DRAFT\n\nDraft.\n",
      "content/ok.md":
        "Title: OK\nEntry-ID: 5\nUUID: 0b5e2b64-7c3a-4e0a-9e0f-2b0f4c9c1a11\nDate: 2024-01-01\n\nFine.\n",
    });
    sites.push(root);
    const draft = readFileSync(join(root, "content/d.md"));
    const r = await quire(["fix", "--site", root, "--data", mkdtempSync(join(tmpdir(), "quire-cli-"))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("stamped content/a.md\nstamped 1 file\n");
    expect(readFileSync(join(root, "content/a.md"), "utf8")).toMatch(
      /^Title: A\nEntry-ID: \d{7}\nUUID: [0-9a-f-]{36}\nDate: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d\n\nBody of A\.\n$/,
    );
    expect(readFileSync(join(root, "content/d.md")).equals(draft)).toBe(true);
  });
});

describe("quire <command> --help", () => {
  it("prints the command's help and exits 0 instead of running it: serve starts no server, index writes nothing", async () => {
    const data = mkdtempSync(join(tmpdir(), "quire-cli-"));
    // A server would still be running when the timeout kills it, which rejects.
    const serve = await run(
      process.execPath,
      [QUIRE_BIN, "serve", "--help", "--site", REPO, "--data", data],
      {
        env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE },
        timeout: 20_000,
      },
    );
    expect(serve.stdout).toMatch(/^quire serve: serve the site.*\n\nusage: quire serve \[options\]/);
    const index = await quire(["index", "-h", "--site", REPO, "--data", data]);
    expect(index.code).toBe(0);
    expect(index.stdout).toMatch(/^quire index: .*\n\nusage: quire index/);
    expect(existsSync(join(data, "index.db"))).toBe(false);
  });
});
