/**
 * `npm run bench -- stall`: what hostile requests cost everyone else. The 2,000-entry site of `test:load`
 * with its hostile page and template is loaded by autocannon (64 connections, the same rotating URLs) in
 * alternating phases, without and with four clients sending the hostile requests (a 600 KB `*a_` entry, a
 * template that includes itself, a 4,090-segment URL). Each phase reports the others' p50/p99, the main
 * thread's event-loop delay and CPU time, and the CPU time of the server's other threads (the rendering thread
 * among them), so a slowdown can be told apart: the main thread busy (its CPU time), or waiting for a core.
 */
import autocannon from "autocannon";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { benchArgs, numberOption } from "./lib/args.js";
import { generateSite } from "./lib/generate-site.js";
import { ensureCompiledBuild, quireServe } from "./lib/quire.js";
import { makeWorkDir } from "./lib/work-dir.js";
import { freePort } from "./lib/free-port.js";
import { describeMachine, heading, loadNote, table } from "./lib/report.js";
import { collectUrls } from "../test/load/urls.js";
import { addHostileFiles, hostileClients, hostileProcess } from "../test/load/stall.js";

export const description =
  "others' latency with and without hostile requests (event-loop delay, CPU per thread)";
export const timeLimitS = 900;

interface Phase {
  name: string;
  p50: number;
  p99: number;
  rps: number;
  hostile: number;
  delay: { p50: number; p99: number; max: number; mainCpuMs: number; wallMs: number };
  otherThreadsCpuMs: number;
  /** CPU time of this process: autocannon and the hostile clients share the machine with the server. */
  clientCpuMs: number;
  load: number;
}

export async function run(args: string[]): Promise<void> {
  const values = benchArgs("stall", args, {
    seconds: { type: "string", default: "15", help: "length of each phase" },
    rounds: { type: "string", default: "2", help: "rounds of (without, with) hostile requests" },
    "same-process": {
      type: "boolean",
      default: false,
      help: "send the hostile requests from this process, beside autocannon (as test:load did)",
    },
  });
  if (!values) return;
  if (!existsSync("/proc/thread-self/schedstat"))
    throw new Error("this bench reads thread CPU times from /proc: Linux only");
  const seconds = numberOption(values, "seconds");
  const rounds = numberOption(values, "rounds");
  ensureCompiledBuild({ skip: values["no-build"] === true });
  process.stdout.write(`${describeMachine()}\n`);
  const work = makeWorkDir("stall");
  const root = join(work.path, "site");
  await generateSite(root, { entries: 2000, imageShare: 0.1 });
  const hostile = addHostileFiles(root);
  const out = join(work.path, "loop-delay.jsonl");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await quireServe({
    site: root,
    data: join(work.path, "data"),
    port,
    readyTimeoutMs: 60_000,
    nodeArgs: ["--import", new URL("./lib/loop-delay.mjs", import.meta.url).href],
    env: { QUIRE_LOOP_DELAY_OUT: out },
  });
  const paths = await collectUrls(base);

  const phase = async (name: string, withHostile: boolean): Promise<Phase> => {
    process.kill(server.pid, "SIGUSR2");
    const before = threadCpu(server.pid);
    const client = process.cpuUsage();
    const result = new Promise<autocannon.Result>((resolve, reject) =>
      autocannon(
        {
          url: base,
          connections: 64,
          duration: seconds,
          timeout: 10,
          requests: paths.map((path) => ({ method: "GET", path })),
        },
        (err, r) => (err ? reject(err) : resolve(r)),
      ),
    );
    const h = !withHostile
      ? { sent: 0 }
      : values["same-process"]
        ? await hostileClients(base, hostile.paths, result)
        : await hostileProcess(base, hostile.paths, seconds);
    const r = await result;
    const after = threadCpu(server.pid);
    const clientUsage = process.cpuUsage(client);
    process.kill(server.pid, "SIGUSR2");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = readFileSync(out, "utf8").trim().split("\n");
    const delay = JSON.parse(lines.at(-1)!) as Phase["delay"];
    let otherThreadsCpuMs = 0;
    for (const [tid, ms] of after) if (tid !== server.pid) otherThreadsCpuMs += ms - (before.get(tid) ?? 0);
    return {
      name,
      p50: r.latency.p50,
      p99: r.latency.p99,
      rps: Math.round(r.requests.average),
      hostile: h.sent,
      delay,
      otherThreadsCpuMs,
      clientCpuMs: (clientUsage.user + clientUsage.system) / 1000,
      load: Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]),
    };
  };

  await phase("warm-up", false);
  const phases: Phase[] = [];
  for (let i = 0; i < rounds; i++) {
    phases.push(await phase("without hostile", false));
    phases.push(await phase("with hostile", true));
  }
  await server.stop(10_000);

  heading(`stall: others' latency, ${seconds} s phases, 64 connections`);
  table(
    [
      "phase",
      "req/s",
      "p50 ms",
      "p99 ms",
      "hostile sent",
      "loop delay p50/p99/max ms",
      "main CPU",
      "other threads CPU",
      "clients CPU",
      "load",
    ],
    phases.map((p) => [
      p.name,
      String(p.rps),
      String(p.p50),
      String(p.p99),
      String(p.hostile),
      `${p.delay.p50} / ${p.delay.p99} / ${p.delay.max}`,
      `${Math.round((100 * p.delay.mainCpuMs) / p.delay.wallMs)} %`,
      `${(p.otherThreadsCpuMs / 1000).toFixed(1)} s`,
      `${(p.clientCpuMs / 1000).toFixed(1)} s`,
      p.load.toFixed(2),
    ]),
  );
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = (key: "p50" | "p99") =>
    median(phases.filter((p) => p.hostile > 0).map((p) => p[key])) /
    Math.max(1, median(phases.filter((p) => p.hostile === 0).map((p) => p[key])));
  process.stdout.write(
    `\nwith / without hostile requests (medians over rounds): p50 ${ratio("p50").toFixed(2)}×, p99 ${ratio("p99").toFixed(2)}×\n${loadNote()}\n`,
  );
}

/** CPU time of each thread of a process, ms, by thread id. */
function threadCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(
        Number(tid),
        Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "latin1").split(" ")[0]) / 1e6,
      );
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}
