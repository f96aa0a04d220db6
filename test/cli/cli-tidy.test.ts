/**
 * Issue 19, item 6: the command line as tidy as Zola's or Hugo's: `--version`, every option in each command's
 * help, exit codes 0/1/2, one human line for a wrong option or a busy port, no colours when piped.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuire } from "../helpers/server.js";
import { REPO } from "../helpers/process.js";
import { SITE_OPTIONS } from "../../src/cli/args.js";
import { FIX_OPTIONS } from "../../src/cli/index-command.js";
import { SERVE_OPTIONS } from "../../src/cli/serve-command.js";
import { BUILD_OPTIONS } from "../../src/cli/build-command.js";
import { NEW_OPTIONS } from "../../src/cli/new-command.js";
import { quire } from "./run-quire.js";

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

function site(files: Record<string, string> = {}): string {
  const root = makeSite({
    "quire.toml": '[site]\ntitle = "T"\nbase_url = "https://example.com"\n',
    "content/blog/post.md":
      "Title: A post\nEntry-ID: 7\nUUID: 0b6a4b8e-3f5e-4c47-9d8e-1f2a3b4c5d6e\nDate: 2024-01-01 10:00\n\nHello.\n",
    ...files,
  });
  sites.push(root);
  return root;
}

describe("quire --version", () => {
  it("prints the version from package.json and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    const r = await quire(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`quire ${version}`);
  });
});

describe("quire <command> --help", () => {
  const parsed: Record<string, Record<string, object>> = {
    index: SITE_OPTIONS,
    check: SITE_OPTIONS,
    fix: FIX_OPTIONS,
    renditions: SITE_OPTIONS,
    serve: SERVE_OPTIONS,
    new: NEW_OPTIONS,
    build: BUILD_OPTIONS,
  };
  for (const [command, options] of Object.entries(parsed)) {
    it(`quire ${command} --help lists every option it takes, and exits 0`, async () => {
      const r = await quire([command, "--help"]);
      expect(r.code).toBe(0);
      for (const [name, spec] of Object.entries(options) as [string, { short?: string }][]) {
        expect(r.stdout).toMatch(new RegExp(`${spec.short ? `-${spec.short}, ` : ""}--${name}\\b`));
      }
    });
  }
});

describe("exit codes and messages", () => {
  it("an unknown option is a usage error: exit 2, one line naming it, no internal code", async () => {
    const r = await quire(["check", "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      "quire check: unknown option --frobnicate (quire check --help lists the options)",
    ]);
    const missing = await quire(["build", "--out"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      "quire build: --out needs a value (quire build --help lists the options)",
    );
    expect((await quire(["frobnicate"])).code).toBe(2);
  });

  it("problems found exit 1, none exit 0, with counts in good English", async () => {
    const root = site();
    const index = await quire(["index", "--site", root, "--data", join(root, ".quire")]);
    expect(index.code).toBe(0);
    expect(index.stdout).toMatch(/^indexed 1 entry in 1 category \(1 file; /);
    const ok = await quire(["check", "--site", root]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^no problems in 1 entry /);
    const bad = site({ "content/blog/bad.md": "Title: Bad\nStatus: PUBLISHD\n\nx\n" });
    const r = await quire(["check", "--site", bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^1 problem in 2 entries$/m);
  });

  it("quire fix counts one file as one file", async () => {
    const root = site({ "content/blog/new.md": "Title: New\n\nNo headers yet.\n" });
    const r = await quire(["fix", "--site", root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^stamped 1 file$/m);
  });

  it("check and build say nothing about QUIRE_SECRET, which they do not need", async () => {
    const root = site();
    const env = { QUIRE_SECRET: "" };
    const check = await quire(["check", "--site", root], env);
    const build = await quire(["build", "--site", root, "--quiet"], env);
    expect(build.code).toBe(0);
    expect(check.stderr + build.stderr).not.toContain("QUIRE_SECRET");
  });
});

describe("quire serve", () => {
  it("names a port already in use in one sentence, without a stack trace, and exits 1", async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await quire(["serve", "--site", site(), "--port", String(port), "--host", "127.0.0.1"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} is already in use on 127.0.0.1`);
      expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    } finally {
      busy.close();
    }
  });

  it("--dev writes no colour codes when its output is piped, and none with NO_COLOR", async () => {
    const variants: Record<string, string>[] = [{ FORCE_COLOR: "" }, { NO_COLOR: "1", FORCE_COLOR: "" }];
    for (const env of variants) {
      const server = await startQuire({ site: site(), args: ["--dev"], env });
      try {
        await fetch(`${server.url}/`);
        expect(server.output()).toContain("listening on");
        expect(server.output()).not.toContain("\x1b[");
      } finally {
        await server.stop();
      }
    }
  }, 240_000);
});
