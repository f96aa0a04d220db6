/** Canonical page URLs of views: the same page always gets the same URL (the page cache and the static
 *  exporter key on it), so parameters come in one fixed order and tags by their case-folded keys. */
import { tagKey } from "../db/refresh.js";
import type { ViewSpec } from "./view-spec.js";

/** The path and query of a view page under its category's URL: `/blog/?id=123`, `/?date=2024-03`, `/?tag=a&tag=b`. */
export function viewLink(spec: ViewSpec, categoryUrl: string): string {
  const params: string[] = [];
  // Only what Publ carries in page URLs; count, order and the like come from the template.
  if (spec.date !== null) params.push(`date=${encodeURIComponent(spec.date)}`);
  else if (spec.id !== null) params.push(`id=${spec.id}`);
  const keys = [...new Set(spec.tag.map(tagKey))].filter((k) => k !== "").sort();
  for (const key of keys) params.push(`tag=${encodeURIComponent(key)}`);
  if (params.length === 0) return categoryUrl;
  return `${categoryUrl}${categoryUrl.includes("?") ? "&" : "?"}${params.join("&")}`;
}
