/** `entry.next` / `entry.previous`: the nearest newer or older listed entry in a category, by (date, id),
 *  found with one LIMIT 1 query on the (category, date, id) index — O(log n), however big the category. */
import type { ContentIndex, IndexedEntry } from "../db/content-index.js";
import { makeSpec } from "./view-spec.js";
import { addKeyRelation, filterWhere, orderBySql, selectEntries } from "./view-sql.js";

export interface NeighbourOptions {
  /** Publ: `next` is the newer entry, `previous` the older one (whatever order a listing shows). */
  direction: "next" | "previous";
  now: number;
  /** Look in this category instead of the entry's own. */
  category?: string;
  /** Include subcategories; as in Publ, defaults to true when a category is given and false otherwise. */
  recurse?: boolean;
  /** Also consider SCHEDULED entries not yet visible. */
  future?: boolean;
}

/** The next newer (`next`) or older (`previous`) listed entry around `entry`, or null at either end. */
export function neighbours(
  index: ContentIndex,
  entry: Pick<IndexedEntry, "id" | "date" | "category">,
  options: NeighbourOptions,
): IndexedEntry | null {
  const spec = makeSpec({
    category: options.category ?? entry.category,
    recurse: options.recurse ?? options.category !== undefined,
    future: options.future ?? false,
    order: options.direction === "next" ? "oldest" : "newest",
  });
  const w = filterWhere(index, spec, options.now, spec.future ? "future" : "listed");
  // In an oldest-first order "after" is newer; in a newest-first order it is older.
  addKeyRelation(w, spec.order, "after", { k: entry.date, id: entry.id });
  return selectEntries(index.db, w, orderBySql(spec.order), 1)[0] ?? null;
}
