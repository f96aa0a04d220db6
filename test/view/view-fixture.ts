/** Builds real SQLite indexes for view tests by inserting rows directly, as the indexer would leave them. */
import { openIndex } from "../../src/db/open-index.js";
import { ContentIndex } from "../../src/db/content-index.js";
import { tagKey } from "../../src/db/refresh.js";
import type { EntryStatus } from "../../src/content/entry-record.js";

export interface Row {
  id: number;
  /** Epoch ms, or an ISO string. */
  date: number | string;
  category?: string;
  status?: EntryStatus;
  title?: string;
  sortTitle?: string;
  tags?: string[];
  hiddenTags?: string[];
  entryType?: string | null;
}

/** Epoch ms of an ISO date string. */
export const at = (iso: string): number => Date.parse(iso);

/** A fresh in-memory index holding these entries; `add` inserts more later. */
export function buildIndex(rows: Row[] = []): { index: ContentIndex; add(rows: Row[]): void } {
  const { db } = openIndex({ path: ":memory:" });
  const insertEntry = db.prepare(
    `INSERT INTO entries (file, id, explicit_id, uuid, title, sort_title, slug, date, page_date, date_explicit, category, status,
       format, entry_type, has_more, headers_json)
     VALUES (@file, @id, @id, @uuid, @title, @sortTitle, @slug, @date, @date, 1, @category, @status, 'markdown', @entryType, 0, '[]')`,
  );
  const insertTag = db.prepare(
    "INSERT INTO entry_tags (file, tag_key, tag_name, hidden) VALUES (?, ?, ?, ?)",
  );
  const made: { index?: ContentIndex } = {};
  const add = (more: Row[]): void => {
    // As the server does after a refresh: what the index memoised is forgotten.
    made.index?.invalidate();
    db.transaction(() => {
      for (const r of more) {
        const category = r.category ?? "";
        const file = `${category ? `${category}/` : ""}entry-${r.id}.md`;
        const title = r.title ?? `Entry ${r.id}`;
        insertEntry.run({
          file,
          id: r.id,
          uuid: `00000000-0000-4000-8000-${String(r.id).padStart(12, "0")}`,
          title,
          sortTitle: r.sortTitle ?? title.toLowerCase(),
          slug: `entry-${r.id}`,
          date: typeof r.date === "string" ? at(r.date) : r.date,
          category,
          status: r.status ?? "PUBLISHED",
          entryType: r.entryType ?? null,
        });
        for (const t of r.tags ?? []) insertTag.run(file, tagKey(t), t, 0);
        for (const t of r.hiddenTags ?? []) insertTag.run(file, tagKey(t), t, 1);
      }
    })();
  };
  add(rows);
  made.index = new ContentIndex(db);
  return { index: made.index, add };
}

/** IDs of a list of entries, for compact assertions. */
export const ids = (entries: readonly { id: number }[]): number[] => entries.map((e) => e.id);
