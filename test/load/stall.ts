/** The stall and checkout phases of the load test: hostile requests, and `git checkout` of another branch,
 *  each while the rotating load runs; reports what the other requests saw. */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "Load",
  GIT_AUTHOR_EMAIL: "load@example.com",
  GIT_COMMITTER_NAME: "Load",
  GIT_COMMITTER_EMAIL: "load@example.com",
};
const gitAsync = promisify(execFile);

/** Writes the hostile page and template into a generated site (before it is served). */
export function addHostileFiles(root: string): { paths: string[] } {
  mkdirSync(join(root, "content", "hostile"), { recursive: true });
  // Hidden, so listings never show it: only its own URL renders the 600 KB line.
  writeFileSync(
    join(root, "content", "hostile", "wall.md"),
    `Title: Wall\nEntry-ID: 8800001\nDate: 2024-01-01\nStatus: HIDDEN\n\n${"*a_".repeat(200_000)}\n`,
  );
  writeFileSync(join(root, "templates", "loop.html"), "{% include 'loop.html' %}");
  return { paths: ["/hostile/8800001-wall", "/loop", "/a".repeat(4090)] };
}

export interface HostileReport {
  sent: number;
  statuses: Record<string, number>;
}

/** Sends the hostile requests from four clients in a loop until `until` resolves; each gets a fresh query so the page cache never answers. */
export async function hostileClients(
  base: string,
  paths: string[],
  until: Promise<unknown>,
): Promise<HostileReport> {
  let running = true;
  void until.finally(() => (running = false));
  const statuses: Record<string, number> = {};
  let sent = 0;
  const client = async (c: number) => {
    for (let i = 0; running; i++) {
      const path = paths[(c + i) % paths.length]!;
      const url = path.length > 1000 ? path : `${path}?n=${c}-${i}`;
      try {
        const res = await fetch(base + url, { signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        const key = `${path.length > 1000 ? "/a×4090" : path} ${res.status}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
      } catch {
        statuses.error = (statuses.error ?? 0) + 1;
      }
      sent++;
    }
  };
  await Promise.all([0, 1, 2, 3].map(client));
  return { sent, statuses };
}

/**
 * The same hostile clients in a process of their own for `seconds`: their downloads (1.2 MB per page of the
 * 600 KB entry) then do not delay the load generator measuring the other requests in this process.
 */
export async function hostileProcess(base: string, paths: string[], seconds: number): Promise<HostileReport> {
  const script = fileURLToPath(new URL("./hostile-process.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", script, base, String(seconds), ...paths],
    { maxBuffer: 1 << 20, timeout: (seconds + 120) * 1000 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as HostileReport;
}

/** Makes the site a git repository with a second branch that drops and moves a tenth of the entries each. */
export function prepareBranches(root: string): { moved: number; dropped: number } {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, env: gitEnv, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "main");
  git("checkout", "-qb", "other");
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory()) walk(join(dir, d.name), `${rel}${d.name}/`);
      else if (d.name.endsWith(".md") && !rel.startsWith("hostile")) files.push(`${rel}${d.name}`);
    }
  };
  walk(join(root, "content"), "");
  let moved = 0;
  let dropped = 0;
  files.forEach((file, i) => {
    if (i % 10 === 0) {
      git("rm", "-q", `content/${file}`);
      dropped++;
    } else if (i % 10 === 5) {
      git("mv", `content/${file}`, `content/${file.replace(/\.md$/, "-moved.md")}`);
      moved++;
    }
  });
  git("commit", "-qm", "other");
  git("checkout", "-q", "main");
  return { moved, dropped };
}

/** Checks out `other`, then `main`, `times` times over, pausing between checkouts. */
export async function checkoutBackAndForth(root: string, times: number, pauseMs: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    for (const branch of ["other", "main"]) {
      await gitAsync("git", ["checkout", "-q", branch], { cwd: root, env: gitEnv });
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}
