/** Views: listings and pagination over the index (Publ's View), as pure queries with no HTTP or templates. */
import type { ContentIndex } from "../db/content-index.js";

export {
  DEFAULT_SPEC,
  makeSpec,
  currentOf,
  isCurrentSpec,
  datePagingOf,
  pagingOf,
  type ViewSpec,
  type ViewOrder,
  type TagFilter,
  type DatePaging,
  type Paging,
} from "./view-spec.js";
export { specFromQuery, specFromKeywords, isViewKeyword, MAX_TAGS, type QueryLike } from "./spec-parse.js";
export { runView, allPages, pageAnchors, type ViewResult, type ViewOptions } from "./run-view.js";
export { neighbours, type NeighbourOptions } from "./neighbours.js";
export { viewLink } from "./view-link.js";
export { attachedEntries, attachmentParentsAllow, type AttachDirection } from "./attachments.js";
export { parseDateKey, periodOfKey, periodContaining, periodLabel, type Period } from "./date-period.js";

/** The next instant at which any listing can change by time alone (a SCHEDULED entry going live), or null. */
export function viewCacheHorizon(index: ContentIndex, now: number): number | null {
  return index.nextScheduledAt(now);
}
