/**
 * The indexing thread: opens its own connection to the index file and runs refreshes on request, off the serving
 * thread; tells the serving thread when it is idle, and closes its connection and ends when asked to stop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openIndex } from "./open-index.js";
import { refreshIndex } from "./refresh.js";
import type { SlugStyle } from "../content/slug.js";
// Straight from the module, not the folder index: the indexer need not load the template side of search.
import { syncSearch } from "../search/search-index.js";
import { startSearchBuild } from "../search/search-build.js";

interface WorkerData {
  indexPath: string;
  contentDir: string;
  timeZone: string;
  slugStyle?: SlugStyle;
}

const data = workerData as WorkerData;
const { db, reason } = openIndex({ path: data.indexPath });

// One refresh at a time: a refresh asked for while search catches up waits for it, and so does a stop.
let queue: Promise<void> = Promise.resolve();
parentPort!.on("message", (msg: { id: number; writeBack: boolean } | { stop: true }) => {
  if ("stop" in msg) {
    queue = queue.then(() => {
      db.close();
      parentPort!.close();
    });
    return;
  }
  queue = queue.then(() => refresh(msg));
});

async function refresh(msg: { id: number; writeBack: boolean }): Promise<void> {
  let build: ReturnType<typeof startSearchBuild> = null;
  try {
    // A first index fills its search tables on another thread meanwhile (null when not worth it).
    build = startSearchBuild({ db, indexPath: data.indexPath });
    const summary = refreshIndex({
      db,
      contentDir: data.contentDir,
      timeZone: data.timeZone,
      slugStyle: data.slugStyle,
      writeBack: msg.writeBack,
      ...build?.hooks,
    });
    parentPort!.postMessage({
      id: msg.id,
      summary: { ...summary, problems: summary.problems.map((p) => p.toJSON()), openReason: reason },
    });
    // After the summary: the site serves (and lists) at once; search reads its tables as they fill.
    await build?.finish(db);
    syncSearch(db, data.contentDir, data.timeZone);
  } catch (err) {
    await build?.cancel();
    parentPort!.postMessage({
      id: msg.id,
      error: { message: (err as Error).message, stack: (err as Error).stack },
    });
  }
  parentPort!.postMessage({ idle: msg.id });
}
