/** A rendering thread of `quire serve`: its own Site over the server's index, rendering the pages the main
 *  thread sends it (every cache miss with QUIRE_RENDER_THREADS, otherwise pages over the main thread's time
 *  budget), so that no single render holds the server's event loop. */
import { parentPort } from "node:worker_threads";
import { readlinkSync, statSync } from "node:fs";
import { setPriority } from "node:os";
import { Site } from "../site.js";
import { createLogger } from "../log.js";
import { routeRequest } from "../http/route.js";
import { renderRoute } from "../http/pages.js";
import { previewContext } from "../http/preview-request.js";
import { ANONYMOUS_READER } from "../auth/reader.js";
import { acceptList } from "../template/negotiate.js";
import type { RenderAnswer, RenderThreadSetup, RenderThreadRequest } from "./protocol.js";

let setup: RenderThreadSetup | undefined;
let site: Site | undefined;
let indexInode = 0;
// The time of the request being rendered: the page shows what was published when it arrived.
let now = Date.now();

function open(): Site {
  const s = setup!;
  site = new Site({
    site: s.site,
    dataDir: s.dataDir,
    env: s.env,
    cache: false,
    watch: false,
    writeBack: false,
    inlineIndexer: true,
    renderThreads: 0,
    logger: createLogger({ level: s.logLevel }),
    now: () => now,
  });
  indexInode = inodeOf(site.paths.indexPath);
  return site;
}

function render(path: string, search: string, accept: string | undefined): RenderAnswer {
  const s = site ?? open();
  // Only signed-out readers' pages are rendered on threads (see Site.renderPage).
  // A preview link's token opens its entry here as it did on the main thread (same secret, same moment).
  const query = new URLSearchParams(search);
  const route = routeRequest(
    previewContext(s.routeContext(ANONYMOUS_READER.access), s.previews, query),
    path,
    search,
  );
  if (route.kind === "redirect") return { kind: "redirect", location: route.location, status: route.status };
  const page = renderRoute(s, route, query, ANONYMOUS_READER, path, acceptList(accept));
  // Spread, so that a header computed on first read (the ETag) travels as a value.
  return { kind: "page", page: { ...page, headers: { ...page.headers } } };
}

function handle(msg: RenderThreadRequest): void {
  if (msg.type === "init") {
    setup = msg.setup;
    const tid = threadId();
    if (setup.lowPriority && tid !== null) lowerPriority(tid);
    open();
    // Only now does the budget of the pages waiting for this thread start to run.
    parentPort!.postMessage({ ready: true, tid });
    return;
  }
  if (msg.type === "invalidate") {
    // An index rebuilt from scratch is a new file: open it; otherwise forget what was read from the old content.
    if (site && inodeOf(site.paths.indexPath) !== indexInode) {
      void site.close().catch(() => undefined);
      site = undefined;
    } else site?.reload();
    return;
  }
  now = msg.now;
  try {
    parentPort!.postMessage({ id: msg.id, answer: render(msg.path, msg.search, msg.accept) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message });
  }
}

/** This thread's id in the OS (Linux: `/proc/thread-self` names `<pid>/task/<tid>`), or null elsewhere. */
function threadId(): number | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) && tid > 0 && tid !== process.pid ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Gives this thread the lowest scheduling priority (nice 19). On Linux a thread has its own nice value, set by its
 * id. Elsewhere (no id) the thread keeps the process's priority: `os.setPriority` there would change the whole
 * process.
 */
function lowerPriority(tid: number): void {
  try {
    setPriority(tid, 19);
  } catch {
    // Refused by the system: the thread keeps the process's priority.
  }
}

function inodeOf(path: string): number {
  try {
    return statSync(path).ino;
  } catch {
    return 0;
  }
}

parentPort!.on("message", handle);
