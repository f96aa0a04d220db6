/** The index module: open, refresh and query the SQLite index of content/. */
export {
  openIndex,
  openIndexOrMemory,
  removeIndexFiles,
  isCorruption,
  getMeta,
  setMeta,
  type Db,
  type OpenReason,
} from "./open-index.js";
export {
  refreshIndex,
  loadProblems,
  computeGeneration,
  tagKey,
  normaliseAlias,
  folderOf,
  type RefreshSummary,
} from "./refresh.js";
export {
  ContentIndex,
  listedSql,
  categorySql,
  categoryParams,
  toEntry,
  LISTED_STATUSES,
  type IndexedEntry,
  type IndexedCategory,
  type TagInfo,
} from "./content-index.js";
export { SCHEMA_VERSION } from "./schema.js";
