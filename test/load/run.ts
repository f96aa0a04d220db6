/**
 * `npm run test:load`: the production server under load (60 s, 64 connections, a rotating mix of URLs), under
 * content churn, beside hostile requests (a 600 KB line of `*a_`, a self-including template, a 4,090-segment
 * URL), while git checks out another branch, and stopped by SIGTERM mid-load. 127.0.0.1 only, bounded in time and count; exits 1 on failure.
 */
import autocannon from "autocannon";
import { writeFileSync, readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { generateSite } from "../../bench/lib/generate-site.js";
import { ensureCompiledBuild, quireServe, quireIndex } from "../../bench/lib/quire.js";
import { makeWorkDir } from "../../bench/lib/work-dir.js";
import { freePort } from "../../bench/lib/free-port.js";
import { readMemory } from "../../bench/lib/memory.js";
import { cleanupAll } from "../../bench/lib/cleanup.js";
import { churn, type ChurnReport } from "./churn.js";
import { collectUrls } from "./urls.js";
import { addHostileFiles, checkoutBackAndForth, hostileClients, prepareBranches } from "./stall.js";

const LOAD_SECONDS = Number(process.env.QUIRE_LOAD_SECONDS ?? 60);
const CONNECTIONS = 64;

interface Phase {
  requests: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  rps: number;
}

/** Runs autocannon over `paths` in rotation. */
function load(base: string, paths: string[], seconds: number): { done: Promise<Phase>; stop: () => void } {
  let instance: ReturnType<typeof autocannon> | undefined;
  const done = new Promise<Phase>((resolve, reject) => {
    instance = autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 10,
        requests: paths.map((path) => ({ method: "GET", path })),
      },
      (err, r) => {
        if (err) return reject(err);
        const statuses: Record<string, number> = {};
        for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = s.count;
        resolve({
          requests: r.requests.total,
          errors: r.errors,
          timeouts: r.timeouts,
          statuses,
          p50: r.latency.p50,
          p99: r.latency.p99,
          rps: r.requests.average,
        });
      },
    );
  });
  return { done, stop: () => instance?.stop() };
}

const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};
const serverErrors = (p: Phase) =>
  Object.entries(p.statuses)
    .filter(([c]) => c.startsWith("5"))
    .reduce((n, [, v]) => n + v, 0);
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  ensureCompiledBuild();
  const work = makeWorkDir("load");
  const root = join(work.path, "site");
  const gen = await generateSite(root, {
    entries: 2000,
    imageShare: 0.1,
    extraToml: "[content]\nwatch = true\nrescan_seconds = 30\n",
  });
  writeFileSync(join(root, "static", "hello.txt"), "a static file\n");
  // A page that takes about a second to render: the request in flight when SIGTERM arrives.
  writeFileSync(
    join(root, "templates", "slow.txt"),
    // Nested: Jinja's range() stops at 100,000 items.
    "{% for i in range(0, 1500) %}{% for j in range(0, 1000) %}{% endfor %}{% endfor %}slow page done\n",
  );
  const hostile = addHostileFiles(root);
  console.log(
    `generated ${gen.entries} entries (${gen.entriesWithImages} with images) in ${Math.round(gen.ms)} ms`,
  );
  const data = join(work.path, "data");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await quireServe({ site: root, data, port, readyTimeoutMs: 60_000 });
  const paths = await collectUrls(base);
  console.log(`rotating over ${paths.length} URLs`);

  // Warm-up (30 s, or half the load phase when that is shorter) fills the page cache and memo tables and lets the heap settle. RSS swings with garbage
  // collection, so each figure is the median of the last five one-second samples of its phase.
  const warmSamples = sampleRss(server.pid);
  const warm = await load(base, paths, Math.max(5, Math.min(30, Math.round(LOAD_SECONDS / 2)))).done;
  const rssWarm = warmSamples.stop();
  const mainSamples = sampleRss(server.pid);
  const main = await load(base, paths, LOAD_SECONDS).done;
  const rssAfter = mainSamples.stop();
  console.log(
    `load: ${main.requests} requests in ${LOAD_SECONDS} s (${Math.round(main.rps)}/s), p50 ${main.p50} ms, p99 ${main.p99} ms, statuses ${JSON.stringify(main.statuses)}; RSS ${mb(rssWarm)} after warm-up, ${mb(rssAfter)} after`,
  );
  check(
    warm.errors + main.errors === 0 && main.timeouts === 0,
    `no socket errors or timeouts (${main.errors}, ${main.timeouts})`,
  );
  check(serverErrors(warm) + serverErrors(main) === 0, "no 5xx responses under load");
  check(
    rssAfter <= rssWarm * 1.1,
    `RSS after the run within 10 % of RSS after warm-up (${mb(rssWarm)} → ${mb(rssAfter)})`,
  );

  // Churn: 100 changes while the same load runs.
  const during = load(base, paths, 600);
  let report: ChurnReport;
  try {
    report = await churn({ base, contentDir: join(root, "content"), changes: 100 });
  } finally {
    during.stop();
  }
  const underChurn = await during.done;
  console.log(
    `churn: ${report.changes} changes (${report.atomic} atomic renames), visible after p50 ${report.p50} ms, max ${report.max} ms; load meanwhile ${underChurn.requests} requests, statuses ${JSON.stringify(underChurn.statuses)}`,
  );
  check(serverErrors(underChurn) === 0 && underChurn.errors === 0, "no 5xx or socket errors under churn");
  check(
    report.late.length === 0,
    `every change becomes visible (30 s at most)${report.late.length ? `: never seen ${report.late.join(", ")}` : ""}`,
  );
  await new Promise((r) => setTimeout(r, 500));
  await server.stop(30_000);
  check(
    sameIndex(join(data, "index.db"), await freshIndex(root, join(work.path, "fresh"))),
    "the final index equals a fresh index of the final files",
  );
  const changed = Object.entries(report.written).filter(([file, bytes]) => {
    try {
      return !readFileSync(join(root, "content", file)).equals(bytes);
    } catch {
      return true;
    }
  });
  check(
    changed.length === 0,
    `every entry file byte-identical to what the churn wrote${changed.length ? `: ${changed.map(([f]) => f).join(", ")}` : ""}`,
  );

  server = await quireServe({ site: root, data, port, readyTimeoutMs: 60_000 });

  // Stall: a 600 KB line of `*a_`, a template that includes itself and a URL of 4,090 segments, sent by four
  // clients in a loop while the load runs; the other requests must not fail and should not slow down.
  // The server has just started again: a warm-up, then the same load without hostile requests, so that the figures
  // compared come from the same warm server (a cold page cache alone doubled the p99).
  await load(base, paths, 10).done;
  const beforeStall = await load(base, paths, 20).done;
  const stallSamples = sampleRss(server.pid);
  const stallLoad = load(base, paths, 20);
  const hostileReport = await hostileClients(base, hostile.paths, stallLoad.done);
  const underStall = await stallLoad.done;
  const rssStall = stallSamples.stop();
  console.log(
    `stall: load ${underStall.requests} requests (${Math.round(underStall.rps)}/s), p50 ${underStall.p50} ms, p99 ${underStall.p99} ms (without hostile requests just before: p50 ${beforeStall.p50} ms, p99 ${beforeStall.p99} ms), statuses ${JSON.stringify(underStall.statuses)}; hostile ${hostileReport.sent} sent, ${JSON.stringify(hostileReport.statuses)}; RSS ${mb(rssStall)}`,
  );
  check(
    serverErrors(underStall) === 0 && underStall.errors === 0 && underStall.timeouts === 0,
    `no 5xx, socket errors or timeouts for other requests while hostile ones run (${serverErrors(underStall)}, ${underStall.errors}, ${underStall.timeouts})`,
  );
  check(
    !Object.keys(hostileReport.statuses).some(
      (k) => k === "error" || (k.startsWith("/hostile") && k.endsWith(" 500")),
    ),
    "every hostile request answered (the long page 200 or 503, the looping template 500, the long URL 414)",
  );

  // Checkout: the site folder is switched between two branches (a tenth of the entries dropped, a tenth
  // moved) while the load runs; no reader may see a 500 for a file that moved.
  const branches = prepareBranches(root);
  const checkoutLoad = load(base, paths, 600);
  try {
    await checkoutBackAndForth(root, 3, 2000);
  } finally {
    checkoutLoad.stop();
  }
  const underCheckout = await checkoutLoad.done;
  console.log(
    `checkout: 6 checkouts (${branches.dropped} entries dropped and ${branches.moved} moved on the other branch); load ${underCheckout.requests} requests, p50 ${underCheckout.p50} ms, p99 ${underCheckout.p99} ms, statuses ${JSON.stringify(underCheckout.statuses)}`,
  );
  // A page whose own file is gone answers 503 with Retry-After until the index catches up: honest, not a failure.
  check(
    serverErrors(underCheckout) === (underCheckout.statuses["503"] ?? 0) && underCheckout.errors === 0,
    `no 500 or socket errors while git checks out another branch (${underCheckout.statuses["503"] ?? 0} × 503 for moved entries)`,
  );

  // SIGTERM in the middle of a load run: requests in flight finish, exit 0 within 25 s.
  const final = load(base, paths, 15);
  await new Promise((r) => setTimeout(r, 3000));
  const slow = fetch(`${base}/slow`).then(
    async (r) => (r.status === 200 && (await r.text()) === "slow page done\n" ? 200 : r.status),
    () => 0,
  );
  // Long enough for the request to be accepted and rendering, far shorter than the render itself.
  await new Promise((r) => setTimeout(r, 200));
  const stopStarted = Date.now();
  await server.stop(30_000);
  const stopMs = Date.now() - stopStarted;
  const last = await final.done;
  const inflight = await slow;
  console.log(
    `sigterm: stopped in ${stopMs} ms; the request in flight answered ${inflight}; load statuses ${JSON.stringify(last.statuses)}`,
  );
  check(stopMs < 25_000, `exits within 25 s of SIGTERM (${stopMs} ms)`);
  check(serverErrors(last) === 0, "no 5xx while stopping");
  check(
    inflight === 200,
    "the request in flight when SIGTERM arrived (a one-second page) completed with 200",
  );
  check(/"msg":"stopping/.test(server.logTail()), "the server logged its shutdown");
}

/** Samples a process's RSS every second; `stop()` gives the median of the last five samples, in kB. */
function sampleRss(pid: number): { stop(): number } {
  const samples: number[] = [];
  const timer = setInterval(() => {
    const m = readMemory(pid);
    if (m) samples.push(m.rssKb);
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      const last = samples.slice(-5).sort((a, b) => a - b);
      return last[Math.floor(last.length / 2)] ?? readMemory(pid)?.rssKb ?? 0;
    },
  };
}

async function freshIndex(root: string, data: string): Promise<string> {
  mkdirSync(data, { recursive: true });
  await quireIndex(root, data);
  return join(data, "index.db");
}

/** Compares what an index says about entries (not mtimes): files, IDs, titles, dates, categories, statuses, tags. */
function sameIndex(a: string, b: string): boolean {
  const dump = (path: string) => {
    const db = new Database(path, { readonly: true });
    const rows = db
      .prepare(
        `SELECT e.file, e.id, e.uuid, e.title, e.date, e.category, e.status, e.slug,
         (SELECT group_concat(tag_key, ',') FROM (SELECT tag_key FROM entry_tags t WHERE t.file = e.file ORDER BY tag_key)) AS tags
         FROM entries e ORDER BY e.file`,
      )
      .all();
    db.close();
    return JSON.stringify(rows);
  };
  return dump(a) === dump(b);
}

const limit = setTimeout(() => {
  console.error("test:load: over its 15-minute limit");
  cleanupAll();
  process.exit(1);
}, 900_000);
main()
  .catch((err) => {
    failures.push(String(err?.stack ?? err));
    console.error(err);
  })
  .finally(() => {
    clearTimeout(limit);
    cleanupAll();
    console.log(`load: ${failures.length === 0 ? 1 : 0} passed, ${failures.length === 0 ? 0 : 1} failed`);
    process.exit(failures.length === 0 ? 0 : 1);
  });
