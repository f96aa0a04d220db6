/** A rendering thread of `quire build`: its own Site over the index the main thread built, rendering the
 *  batches of URLs and renditions it is sent and writing them straight into the output folder. */
import { parentPort } from "node:worker_threads";
import { Site } from "../site.js";
import { silentLogger } from "../log.js";
import { loadHighlighter, loadMarkdownIt } from "../markdown/index.js";
import { PageRenderer, type PageJob, type PageResult, type RedirectFile } from "./page-renderer.js";
import type { RenditionRef } from "./links.js";
import { shortLinkRedirects, type PlannedEntry } from "./plan.js";

/** What every rendering thread is started with. */
export interface WorkerSetup {
  site: string;
  dataDir: string;
  outDir: string;
  /** The build's clock: every thread sees the same scheduled entries. */
  now: number;
  env: Record<string, string | undefined>;
}

/** A request from the main thread. */
export type WorkerRequest =
  | { id: number; type: "init"; setup: WorkerSetup }
  | { id: number; type: "pages"; jobs: PageJob[] }
  | { id: number; type: "images"; refs: RenditionRef[] }
  | { id: number; type: "redirects"; pages: RedirectFile[] }
  | { id: number; type: "shortLinks"; entries: PlannedEntry[] }
  | { id: number; type: "errorPages" }
  | { id: number; type: "staticSearch"; now: number };

// The thread loads its code while the main thread indexes, and builds its Site once the index is ready.
let renderer: PageRenderer | undefined;

function init(setup: WorkerSetup): void {
  const site = new Site({
    site: setup.site,
    dataDir: setup.dataDir,
    env: setup.env,
    cache: false,
    watch: false,
    writeBack: false,
    inlineIndexer: true,
    logger: silentLogger(),
    now: () => setup.now,
  });
  renderer = new PageRenderer(site, setup.outDir);
  site.index.preloadEntries();
}

// Node hands a thread every message waiting on its port in one go, and the main thread always keeps the next
// batch waiting: handled straight away, batches would follow one another without the event loop ever turning,
// and renditions (whose steps wait on file reads and sharp's own threads) would only be made after the last
// page. Each request is handled on a turn of its own instead.
parentPort!.on("message", (msg: WorkerRequest) => setImmediate(handle, msg));

function handle(msg: WorkerRequest): void {
  try {
    if (msg.type === "init") {
      init(msg.setup);
      parentPort!.postMessage({ id: msg.id, results: [] });
      return;
    }
    const r = renderer!;
    if (msg.type === "pages") {
      parentPort!.postMessage({ id: msg.id, results: msg.jobs.map((job) => renderSafely(r, job)) });
      return;
    }
    if (msg.type === "errorPages") {
      parentPort!.postMessage({ id: msg.id, results: r.errorPages() });
      return;
    }
    if (msg.type === "staticSearch") {
      parentPort!.postMessage({ id: msg.id, results: [r.staticSearch(msg.now)] });
      return;
    }
    if (msg.type === "shortLinks") {
      parentPort!.postMessage({ id: msg.id, results: shortLinkRedirects(r.site, msg.entries) });
      return;
    }
    if (msg.type === "redirects") {
      parentPort!.postMessage({ id: msg.id, results: r.redirectPages(msg.pages) });
      return;
    }
    Promise.all(msg.refs.map((ref) => r.rendition(ref))).then(
      (results) => parentPort!.postMessage({ id: msg.id, results }),
      (err: Error) => parentPort!.postMessage({ id: msg.id, error: err.message }),
    );
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message });
  }
}

function renderSafely(r: PageRenderer, job: PageJob): PageResult {
  try {
    return r.render(job);
  } catch (err) {
    return { kind: "failed", key: job.key, url: job.url, file: null, message: (err as Error).message };
  }
}

// Loaded now, while the main thread builds the index, rather than by the first entry this thread renders.
loadMarkdownIt();
loadHighlighter();

parentPort!.postMessage({ ready: true });
