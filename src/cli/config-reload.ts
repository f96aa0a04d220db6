/**
 * Development only: a saved quire.toml takes effect without a restart. A new Site is built from it and
 * indexed (an index made under another time zone or slug style rebuilds itself), then swapped in.
 */
import { readFileSync } from "node:fs";
import { watch } from "chokidar";
import type { Site } from "../site.js";
import type { RunningServer } from "../http/server.js";

/** Something to stop when the server stops. */
export interface ConfigReload {
  close(): Promise<void>;
}

/** Watches the site's quire.toml; on a change, builds a site with `make`, waits for its first index and serves it. */
export function reloadOnConfigChange(server: RunningServer, first: Site, make: () => Site): ConfigReload {
  const file = first.paths.configFile;
  let current = first;
  let loaded = readText(file);
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const reload = (): void => {
    // One reload at a time, in the order of the saves; a save seen mid-write (an editor truncates, then
    // writes) is followed by another event, and the text is compared again once the site is built.
    chain = chain.then(async () => {
      while (!closed) {
        const text = readText(file);
        if (text === loaded) return;
        const next = build(make, current);
        if (!next) return;
        if (readText(file) !== text) {
          await next.close().catch(() => undefined);
          continue;
        }
        try {
          await next.start();
        } catch (err) {
          next.logger.error(
            { err },
            "quire.toml changed but the site could not be indexed; keeping the old settings",
          );
          await next.close().catch(() => undefined);
          return;
        }
        loaded = text;
        next.logger.info({ file }, "quire.toml changed: settings reloaded");
        current = next;
        await server.replaceSite(next);
      }
    });
  };
  const watcher = watch(file, { ignoreInitial: true, atomic: 50 });
  watcher.on("add", reload).on("change", reload).on("unlink", reload);
  return {
    async close() {
      closed = true;
      await watcher.close();
      await chain.catch(() => undefined);
    },
  };
}

function build(make: () => Site, current: Site): Site | null {
  try {
    return make();
  } catch (err) {
    current.logger.error({ err }, "quire.toml changed but could not be loaded; keeping the old settings");
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
