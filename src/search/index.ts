/** Full-text search: the FTS5 tables kept in step with entries, the query syntax, and the searcher. */
export { syncSearch, searchInStep, SEARCH_GENERATION, type SearchSyncSummary } from "./search-index.js";
export { parseQuery, plainWordsQuery, matchExpression, wordsOf, type ParsedQuery } from "./query.js";
export { Searcher, type SearchOptions, type SearchResult, type SearchHit } from "./searcher.js";
export { entryText } from "./entry-text.js";
export { searchGlobal, TemplateSearchResults } from "./template-search.js";
export { SearchCacheGate, isSearchUrl, MAX_CACHED_SEARCHES } from "./search-cache.js";
export { writeStaticSearch, STATIC_SEARCH_DIR, type StaticSearchSummary } from "./static-index.js";
