/** Watches content/ (and templates/) with chokidar and calls back once per burst of changes, plus a periodic safety-net rescan. */
import { watch, type FSWatcher } from "chokidar";
import { basename } from "node:path";
import { isIgnoredName } from "./scanner.js";

export interface WatchOptions {
  /** Folders to watch; missing ones are skipped. */
  paths: string[];
  /** Called after a burst of changes has settled (or by the periodic rescan); never concurrently. */
  onChange: (reason: "change" | "rescan", paths: string[]) => void | Promise<void>;
  /** Quiet time that ends a burst. */
  debounceMs?: number;
  /** Upper bound from the first change of a burst to the callback, so a steady stream of writes still lands. */
  maxWaitMs?: number;
  /** Period of the full rescan; 0 turns it off. */
  rescanMs?: number;
  /** A second look this long after each burst: chokidar drops events for a file changed again within a few ms. */
  settleMs?: number;
  onError?: (err: unknown) => void;
  /**
   * The system would not let the watcher watch every file (inotify limits): called once, after which the
   * watcher polls instead. Errors of that kind are not passed to `onError`.
   */
  onPolling?: (err: NodeJS.ErrnoException) => void;
}

/** The sentence for an operator when the inotify limits stop the watcher, with the setting that lifts them. */
export const WATCH_LIMIT_MESSAGE =
  "the system's limit on watched files was reached, so changes are now found by polling every second " +
  "(slower, more CPU); to watch instead, raise the limit: sudo sysctl fs.inotify.max_user_watches=524288 " +
  "fs.inotify.max_user_instances=512 (add them to /etc/sysctl.conf to keep them)";

/** Whether an error from the watcher means the inotify limits were reached. */
export function isWatchLimit(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOSPC" || code === "EMFILE";
}

export interface ContentWatcher {
  /** Resolves once the initial crawl is done and changes are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Starts watching; editors' temp/swap files and Quire's own write-back temp files are ignored. */
export function watchContent(options: WatchOptions): ContentWatcher {
  const debounceMs = options.debounceMs ?? 30;
  const maxWaitMs = options.maxWaitMs ?? 150;
  const start = (usePolling: boolean): FSWatcher =>
    watch(options.paths, {
      ignoreInitial: true,
      ignored: (path: string) => isIgnoredName(basename(path)),
      // chokidar needs its atomic-save handling to see a file renamed over another; keep its delay short,
      // since a refresh rescans everything and the event kinds do not matter.
      atomic: 50,
      ...(usePolling ? { usePolling: true, interval: 1000, binaryInterval: 1000 } : {}),
    });
  let watcher: FSWatcher = start(false);
  let polling = false;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let firstAt = 0;
  let running: Promise<void> | undefined;
  let closed = false;
  let settle: NodeJS.Timeout | undefined;
  const settleMs = options.settleMs ?? 250;

  const run = (reason: "change" | "rescan") => {
    timer = undefined;
    if (closed) return;
    if (running) {
      // A refresh is in progress: run again after it, so no change is lost.
      void running.then(() => schedule());
      return;
    }
    const paths = [...pending];
    pending = new Set();
    firstAt = 0;
    running = Promise.resolve()
      .then(() => options.onChange(reason, paths))
      .catch((err) => options.onError?.(err))
      .finally(() => {
        running = undefined;
        if (reason === "change" && !closed) {
          if (settle) clearTimeout(settle);
          settle = setTimeout(() => run("rescan"), settleMs);
        }
      });
  };
  const schedule = () => {
    if (closed || pending.size === 0) return;
    const now = Date.now();
    if (firstAt === 0) firstAt = now;
    if (timer) clearTimeout(timer);
    const wait = Math.max(0, Math.min(debounceMs, firstAt + maxWaitMs - now));
    timer = setTimeout(() => run("change"), wait);
  };

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const listen = (w: FSWatcher) => {
    w.on("all", (_event, path) => {
      pending.add(path);
      schedule();
    });
    w.on("error", (err) => {
      if (!isWatchLimit(err)) return void options.onError?.(err);
      if (polling || closed) return;
      // One message, then poll: inotify refuses one watch per file, and each would be its own error.
      polling = true;
      options.onPolling?.(err);
      const old = w;
      watcher = start(true);
      listen(watcher);
      void old.close();
      // Changes made while the watchers swapped are found by a rescan.
      watcher.once("ready", () => run("rescan"));
    });
    w.once("ready", () => markReady());
  };
  listen(watcher);
  const rescan =
    options.rescanMs && options.rescanMs > 0 ? setInterval(() => run("rescan"), options.rescanMs).unref() : undefined;

  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (settle) clearTimeout(settle);
      if (rescan) clearInterval(rescan);
      await watcher.close();
      await running;
    },
  };
}
