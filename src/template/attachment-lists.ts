/** `entry.attachments` and `entry.attached` in templates: lists of entries that can also be called with view
 *  arguments (`entry.attachments(order='title')`), as in Publ. */
import { attachedEntries, specFromKeywords, type AttachDirection } from "../view/index.js";
import { callableList, type Kwargs } from "./callable.js";
import { viewKeywords } from "./category-object.js";
import type { TemplateEntry } from "./objects.js";
import type { TemplateRuntime } from "./runtime.js";

/** The entries on one side of an entry's attachment links, as a list that takes view arguments when called. */
export function attachmentList(
  rt: TemplateRuntime,
  entry: TemplateEntry,
  direction: AttachDirection,
): TemplateEntry[] {
  return callableList(listFor(rt, entry, direction, {}), (kw) => listFor(rt, entry, direction, kw));
}

function listFor(
  rt: TemplateRuntime,
  entry: TemplateEntry,
  direction: AttachDirection,
  kw: Kwargs,
  warn?: (message: string) => void,
): TemplateEntry[] {
  // A stub (an entry the reader may not read) shows nothing of its own, its attachments included.
  if (!entry.authorized) return [];
  const args = viewKeywords(kw, warn, `entry.${direction}()`);
  // Across the whole site unless a category is named, as Publ's attachments are.
  const spec = specFromKeywords(args, { category: "", recurse: !("category" in args) });
  const ctx = { index: rt.index(), now: rt.now, timeZone: rt.timeZone, reader: rt.reader };
  return attachedEntries(ctx, entry.record, direction, spec)
    .filter((e) => !rt.vanished(e))
    .map((e) => rt.entry(e));
}
