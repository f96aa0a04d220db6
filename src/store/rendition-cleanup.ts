/** The schedule that removes renditions nobody requested for `images.cache_age_days`: a minute after the
 *  server starts (not during its busy first seconds), then once a day. */
import type { Logger } from "../log.js";
import type { RenditionStore } from "./rendition-store.js";

/** Starts cleaning `store` now and then; returns the daily timer, for `clearInterval` when the site closes. */
export function scheduleRenditionCleanup(
  store: RenditionStore,
  maxAgeDays: number,
  logger: Logger,
): NodeJS.Timeout {
  const clean = () => {
    store
      .cleanup(maxAgeDays)
      .then((removed) => {
        if (removed > 0)
          logger.info({ removed }, `removed ${removed} renditions unused for ${maxAgeDays} days`);
      })
      .catch((err) => logger.warn({ err }, "rendition cleanup failed"));
  };
  setTimeout(clean, 60_000).unref();
  return setInterval(clean, 24 * 3600_000).unref();
}
