/**
 * The indexing thread: opens its own connection to the index file and runs refreshes on request, off the serving
 * thread; tells the serving thread when it is idle, and closes its connection and ends when asked to stop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openIndex } from "./open-index.js";
import type { SlugStyle } from "../content/slug.js";
import { refreshWithSearch } from "../search/search-build.js";

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
  try {
    const options = {
      db,
      contentDir: data.contentDir,
      timeZone: data.timeZone,
      slugStyle: data.slugStyle,
      writeBack: msg.writeBack,
    };
    // A first index fills its search tables on another thread meanwhile. The summary goes out as soon as the
    // refresh is done: the site serves (and lists) at once; search reads its tables as they fill.
    await refreshWithSearch(data.indexPath, options, (summary) =>
      parentPort!.postMessage({
        id: msg.id,
        summary: { ...summary, problems: summary.problems.map((p) => p.toJSON()), openReason: reason },
      }),
    );
  } catch (err) {
    parentPort!.postMessage({
      id: msg.id,
      error: { message: (err as Error).message, stack: (err as Error).stack },
    });
  }
  parentPort!.postMessage({ idle: msg.id });
}
