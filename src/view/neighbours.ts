/** `entry.next` / `entry.previous`: the nearest newer or older listed entry in a category, by (date, id),
 *  found by a binary search in the category's listing, held in memory once any page asked for it. */
import type { ContentIndex, IndexedEntry } from "../db/content-index.js";
import { makeSpec } from "./view-spec.js";
import { entriesAt, listingOf, positionOf } from "./count-paging.js";
import type { ReaderAccess } from "../auth/access-rule.js";

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
  /** Whose neighbours: entries this reader may not read are skipped. Default: an anonymous reader. */
  reader?: ReaderAccess;
}

/** The next newer (`next`) or older (`previous`) listed entry around `entry`, or null at either end. */
export function neighbours(
  index: ContentIndex,
  entry: Pick<IndexedEntry, "id" | "localDate" | "category">,
  options: NeighbourOptions,
): IndexedEntry | null {
  const spec = makeSpec({
    category: options.category ?? entry.category,
    recurse: options.recurse ?? options.category !== undefined,
    future: options.future ?? false,
    order: "newest",
  });
  const ctx = { index, now: options.now, reader: options.reader };
  const listing = listingOf(ctx, spec)!;
  const key = { k: entry.localDate, id: entry.id };
  // Newest first: the older neighbour is the first row after the entry, the newer one the last row before it.
  const at =
    options.direction === "previous" ? positionOf(listing, key, false) : positionOf(listing, key, true) - 1;
  return at < 0 ? null : (entriesAt(ctx, listing, at, at + 1)[0] ?? null);
}
