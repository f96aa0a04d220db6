/** The SQLite schema of the index; a change here bumps SCHEMA_VERSION and the index is rebuilt from content/. */

/** Bump on any change to the tables below or to what the indexer stores in them. */
export const SCHEMA_VERSION = 7;

export const SCHEMA_SQL = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Every file under content/ that Quire looked at, with the fingerprint that lets a refresh skip it.
CREATE TABLE files (
  path TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  hash TEXT NOT NULL
);

-- What an entry file says, before IDs are assigned across the site.
CREATE TABLE entries (
  file TEXT PRIMARY KEY,
  id INTEGER NOT NULL DEFAULT 0,
  explicit_id INTEGER,
  explicit_uuid TEXT,
  uuid TEXT NOT NULL DEFAULT '',
  id_derived INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL,
  sort_title TEXT NOT NULL,
  slug TEXT NOT NULL,
  date INTEGER NOT NULL,
  date_explicit INTEGER NOT NULL,
  -- The zone the Date was written in (+HH:MM or an IANA name), shown as written; null: the site's zone.
  date_zone TEXT,
  -- The date's wall-clock time in that zone, as epoch ms of the same wall-clock time in UTC (Publ's local_date):
  -- listings sort by it, so entries written in different zones interleave as their authors wrote them.
  local_date INTEGER NOT NULL,
  last_modified INTEGER,
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  format TEXT NOT NULL,
  entry_type TEXT,
  entry_template TEXT,
  redirect_to TEXT,
  path_canonical TEXT,
  summary TEXT,
  -- The Auth header (its rules, space-separated), or NULL when anyone may read the entry.
  auth TEXT,
  has_more INTEGER NOT NULL,
  headers_json TEXT NOT NULL
);
CREATE INDEX entries_id ON entries (id);
CREATE INDEX entries_category_date ON entries (category, local_date, id);
CREATE INDEX entries_date ON entries (local_date, id);

CREATE TABLE entry_tags (
  file TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  tag_name TEXT NOT NULL,
  hidden INTEGER NOT NULL,
  PRIMARY KEY (file, tag_key)
);
CREATE INDEX entry_tags_key ON entry_tags (tag_key, file);

-- Path-Alias, Path-Mount and Path-Canonical paths of entries and categories, with the template an alias names.
CREATE TABLE aliases (
  path TEXT NOT NULL,
  file TEXT NOT NULL,
  kind TEXT NOT NULL,
  template TEXT,
  PRIMARY KEY (path, file)
);
CREATE INDEX aliases_file ON aliases (file);

-- Files under content/ an entry's text may refer to (src/content/asset-refs.ts): a file that only entries
-- with an Auth: rule refer to is served by /_file/ only to readers one of those rules admits.
CREATE TABLE entry_assets (
  asset TEXT NOT NULL,
  file TEXT NOT NULL,
  PRIMARY KEY (asset, file)
) WITHOUT ROWID;
CREATE INDEX entry_assets_file ON entry_assets (file);
-- Attach: headers of entries, resolved as far as the file alone says: a path under content/ or an entry ID.
-- Which entry that is (if any) is looked up when asked (see db/attachments), so the order files are indexed in
-- does not matter.
CREATE TABLE entry_attach (
  file TEXT NOT NULL,
  target_file TEXT,
  target_id INTEGER
);
CREATE INDEX entry_attach_file ON entry_attach (file);
CREATE INDEX entry_attach_target_file ON entry_attach (target_file);
CREATE INDEX entry_attach_target_id ON entry_attach (target_id);

-- Category metadata from .cat/.meta files; folders without one have no row.
CREATE TABLE category_files (
  file TEXT PRIMARY KEY,
  category TEXT NOT NULL,
  name TEXT,
  sort_name TEXT,
  index_template TEXT,
  entry_template TEXT,
  description TEXT NOT NULL,
  headers_json TEXT NOT NULL
);
CREATE INDEX category_files_category ON category_files (category);

-- Problems found in files (by the parser) or across files (duplicate IDs); rebuilt with the file.
CREATE TABLE problems (
  file TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  line INTEGER,
  field TEXT,
  scope TEXT NOT NULL
);
CREATE INDEX problems_file ON problems (file);

-- Full-text search (src/search/): the entry files whose words are indexed, each with the hash of the bytes
-- they were read from (a changed file is read again), its Auth: rule ('' for none), and the entry's status,
-- category and date (all fixed by those bytes) so that a query filters without joining the entries table.
CREATE TABLE search_docs (
  docid INTEGER PRIMARY KEY,
  file TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL,
  auth TEXT NOT NULL,
  status TEXT NOT NULL,
  category TEXT NOT NULL,
  date INTEGER NOT NULL
);

-- Words of listable entries (PUBLISHED or SCHEDULED; others have a search_docs row only), rowid = docid.
-- unicode61 folds case and every diacritic, porter stems English suffixes; both are deterministic, so an
-- index built at deploy time answers the same on every dyno. Contentless: the text is not stored a second
-- time (storing it cost as much as indexing it); snippets are made from the entry files (src/search/).
-- Category and date live in search_docs only: queries filter there.
CREATE VIRTUAL TABLE search_fts USING fts5(
  title, text, tags,
  content = '', contentless_delete = 1,
  tokenize = 'porter unicode61 remove_diacritics 2'
);
`;
