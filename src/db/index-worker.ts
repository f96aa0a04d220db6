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

interface WorkerData {
  indexPath: string;
  contentDir: string;
  timeZone: string;
  slugStyle?: SlugStyle;
}

const data = workerData as WorkerData;
const { db, reason } = openIndex({ path: data.indexPath });

parentPort!.on("message", (msg: { id: number; writeBack: boolean } | { stop: true }) => {
  if ("stop" in msg) {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    const summary = refreshIndex({
      db,
      contentDir: data.contentDir,
      timeZone: data.timeZone,
      slugStyle: data.slugStyle,
      writeBack: msg.writeBack,
    });
    parentPort!.postMessage({
      id: msg.id,
      summary: { ...summary, problems: summary.problems.map((p) => p.toJSON()), openReason: reason },
    });
    // After the summary: the site serves (and lists) at once; search reads its tables as they fill.
    syncSearch(db, data.contentDir, data.timeZone);
  } catch (err) {
    parentPort!.postMessage({
      id: msg.id,
      error: { message: (err as Error).message, stack: (err as Error).stack },
    });
  }
  parentPort!.postMessage({ idle: msg.id });
});
