/**
 * The site settings an index was built under (time zone, slug style). Dates without an offset and every
 * slug depend on them, so an index built under other settings is emptied and rebuilt from content/.
 */
import type { SlugStyle } from "../content/slug.js";
import { getMeta, setMeta, type Db } from "./open-index.js";

/** The `meta` key that records the settings. */
export const INDEX_SETTINGS_KEY = "index_settings";

/** What the indexed rows depend on besides the files themselves. */
export interface IndexSettings {
  timeZone: string;
  slugStyle: SlugStyle;
}

// Tables whose rows come from content files; `meta` stays (schema version), `generation` is recomputed.
const CONTENT_TABLES = [
  "files",
  "entries",
  "entry_tags",
  "entry_assets",
  "aliases",
  "category_files",
  "problems",
];

/** The stored form of the settings; it also enters the content generation. */
export function settingsKey(settings: IndexSettings): string {
  return JSON.stringify([settings.timeZone, settings.slugStyle]);
}

/** True when the index was built under exactly these settings (a fresh index was built under none). */
export function indexMatchesSettings(db: Db, settings: IndexSettings): boolean {
  return getMeta(db, INDEX_SETTINGS_KEY) === settingsKey(settings);
}

/**
 * Records the settings; when the index holds rows made under other settings, empties it first so the
 * refresh that follows reads every file again. Returns the stored key.
 */
export function applyIndexSettings(db: Db, settings: IndexSettings): string {
  const key = settingsKey(settings);
  const stored = getMeta(db, INDEX_SETTINGS_KEY);
  if (stored === key) return key;
  db.transaction(() => {
    if (stored !== undefined || hasRows(db)) {
      for (const table of CONTENT_TABLES) db.exec(`DELETE FROM ${table}`);
      db.prepare("DELETE FROM meta WHERE key = 'generation'").run();
    }
    setMeta(db, INDEX_SETTINGS_KEY, key);
  })();
  return key;
}

function hasRows(db: Db): boolean {
  return db.prepare("SELECT 1 FROM files LIMIT 1").get() !== undefined;
}
