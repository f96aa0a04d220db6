/**
 * `npm run bench -- auth`: what a signed-in reader costs (issue 17). One public entry page of a generated
 * site, the page cache off so every request renders, asked for by a signed-out reader and by a reader with a
 * bearer token, in rotating rounds; the figure is the server's CPU time per request, which a busy machine
 * moves far less than req/s.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchArgs, numberOption } from "./lib/args.js";
import { readCpuMs } from "./lib/cpu-time.js";
import { freePort } from "./lib/free-port.js";
import { generateSite } from "./lib/generate-site.js";
import { runLoad } from "./lib/load.js";
import { pickEntry } from "./lib/pages.js";
import { BENCH_SECRET, ensureCompiledBuild, quireServe } from "./lib/quire.js";
import { checkTargets, count, describeMachine, heading, loadNote, table } from "./lib/report.js";
import { median, spread } from "./lib/stats.js";
import { makeWorkDir } from "./lib/work-dir.js";
import { Signer } from "../src/auth/signed-value.js";

export const description = "CPU per uncached entry page, signed-in (bearer token) vs signed-out (issue 17)";
export const timeLimitS = 600;

/** Issue 17: a signed-in reader's uncached entry page within 10 % of a signed-out one's CPU per request. */
const TARGET = 1.1;

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("auth", args, {
    entries: { type: "string", default: "2000", help: "entries in the generated site" },
    duration: { type: "string", default: "5", help: "seconds of load per measurement" },
    connections: { type: "string", default: "8", help: "concurrent connections" },
    rounds: { type: "string", default: "4", help: "rounds, each measuring both readers in turn" },
  });
  if (!values) return;
  const entries = numberOption(values, "entries");
  const durationS = numberOption(values, "duration");
  const connections = numberOption(values, "connections");
  const rounds = numberOption(values, "rounds");
  ensureCompiledBuild({ skip: values["no-build"] === true });

  const work = makeWorkDir("auth");
  const site = join(work.path, "site");
  const generated = await generateSite(site, { entries, cache: false });
  writeFileSync(join(site, "users.cfg"), "[friends]\nmailto:reader@example.com\n");
  heading(
    `uncached entry page, ${count(entries)}-entry site, ${connections} connections × ${durationS} s, ${rounds} rounds`,
  );
  process.stdout.write(
    `machine: ${describeMachine()}\nsite: ${count(generated.entries)} entries, [cache] enabled = false\n`,
  );

  const port = await freePort();
  const server = await quireServe({ site, data: join(work.path, "data"), port, readyTimeoutMs: 180_000 });
  const base = `http://127.0.0.1:${port}`;
  const entryPath = await pickEntry(base, "/");
  const token = new Signer(BENCH_SECRET).sign({ p: "token", me: "mailto:reader@example.com" }, 3600);
  const readers = [
    { label: "signed out", headers: {} as Record<string, string>, cpu: [] as number[], rps: [] as number[] },
    {
      label: "bearer token (friends)",
      headers: { authorization: `Bearer ${token}` },
      cpu: [] as number[],
      rps: [] as number[],
    },
  ];
  process.stdout.write(`page: ${entryPath}\n`);
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? readers : [...readers].reverse();
    for (const r of order) {
      await runLoad(base + entryPath, { connections, durationS: 1, headers: r.headers });
      const before = readCpuMs(server.pid) ?? 0;
      const result = await runLoad(base + entryPath, { connections, durationS, headers: r.headers });
      const answered = result.completed - result.non2xx - result.errors;
      if (result.non2xx > 0 || answered <= 0)
        throw new Error(`${r.label}: ${result.non2xx} answers were not 2xx`);
      r.cpu.push((((readCpuMs(server.pid) ?? 0) - before) * 1000) / answered);
      r.rps.push(result.requestsPerSec);
      process.stdout.write(
        `  round ${round}/${rounds}  ${r.label.padEnd(24)} ${count(result.requestsPerSec).padStart(6)} req/s  server CPU ${r.cpu.at(-1)!.toFixed(0)} µs/request\n`,
      );
    }
  }
  await server.stop();
  const [anon, signed] = readers as [(typeof readers)[0], (typeof readers)[0]];
  table(
    ["reader", "req/s", "CPU/req (median)", "min–max"],
    readers.map((r) => {
      const s = spread(r.cpu);
      return [
        r.label,
        count(median(r.rps)),
        `${median(r.cpu).toFixed(0)} µs`,
        `${s.min.toFixed(0)}–${s.max.toFixed(0)} µs`,
      ];
    }),
  );
  process.stdout.write(`${loadNote()}\n`);
  checkTargets([
    {
      name: "signed-in CPU per uncached entry page / signed-out",
      actual: median(signed.cpu) / median(anon.cpu),
      limit: TARGET,
      kind: "max",
      format: (n) => `${n.toFixed(2)}×`,
    },
  ]);
  work.remove();
}
