/** An entry's attachments and the entries it is attached to (Publ's `entry.attachments`, `entry.attached`):
 *  unlike listings they show HIDDEN and ATTACHMENT entries, never drafts, future ones or ones the reader may not read. */
import type { IndexedEntry } from "../db/content-index.js";
import type { ViewSpec } from "./view-spec.js";
import { readerOf, type ViewContext } from "./count-paging.js";
import { filterWhere, orderBySql, selectEntries, Where } from "./view-sql.js";
import { attachedToSql } from "../db/attachments.js";

/** Which side of the link to list: what `entry` has attached, or what it is attached to. */
export type AttachDirection = "attachments" | "attached";

/**
 * The entries on one side of `entry`'s attachment links, filtered and ordered by `spec` (its category,
 * entry types, tags, order and count apply; its paging does not).
 */
export function attachedEntries(
  ctx: ViewContext,
  entry: Pick<IndexedEntry, "id">,
  direction: AttachDirection,
  spec: ViewSpec,
): IndexedEntry[] {
  const scoped: ViewSpec = { ...spec, id: null, date: null, [direction]: entry.id };
  const reader = readerOf(ctx);
  const key = `attach\0${JSON.stringify(scoped)}\0${reader.accessKey}`;
  return ctx.index.memo(key, ctx.now, () => {
    const w = filterWhere(ctx.index, scoped, ctx.now, "attachment", reader);
    return selectEntries(ctx.index.db, w, orderBySql(scoped.order), scoped.count);
  });
}

/**
 * Whether the reader may open a `Status: ATTACHMENT` entry at its own URL: such an entry exists for the
 * entries it is attached to, so when every one of them refuses the reader, so does it. One attached to
 * nothing (or with its own `Auth:`) answers as any entry does.
 */
export function attachmentParentsAllow(
  ctx: Pick<ViewContext, "index">,
  entry: Pick<IndexedEntry, "id" | "status" | "auth">,
  mayRead: (parent: IndexedEntry) => boolean,
): boolean {
  if (entry.status !== "ATTACHMENT" || entry.auth !== null) return true;
  const parents = ctx.index.memoStatic(`attach-parents\0${entry.id}`, () => {
    // Every parent whatever its status or rule: the question is whose rules stand over this one.
    const w = new Where();
    w.add(attachedToSql("e", w.bind(entry.id)));
    return selectEntries(ctx.index.db, w, "ORDER BY e.id", null);
  });
  return parents.length === 0 || parents.some(mayRead);
}
