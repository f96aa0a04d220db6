/** The folders a site's files may really live in (content/, static/, templates/), and the check that a path,
 *  once its symlinks are resolved, is inside one of them: a link may point anywhere in the site, nowhere else. */
import { realpathSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";

/** A site's folders as real paths. */
export interface SiteRoots {
  content: string;
  static: string;
  templates: string;
  all: readonly string[];
}

/** The real folders of the site whose content folder is `contentDir` (the layout is fixed: they are siblings). */
export function siteRoots(contentDir: string): SiteRoots {
  const site = dirname(resolve(contentDir));
  const content = realOr(resolve(contentDir));
  const statics = realOr(join(site, "static"));
  const templates = realOr(join(site, "templates"));
  return { content, static: statics, templates, all: [content, statics, templates] };
}

/** Whether a real path is one of the roots or below one. */
export function isInsideRoots(real: string, roots: SiteRoots): boolean {
  return roots.all.some((root) => real === root || real.startsWith(root + sep));
}

/** Whether a real path is content/ or below it. */
export function isInsideContent(real: string, roots: SiteRoots): boolean {
  return real === roots.content || real.startsWith(roots.content + sep);
}

/**
 * The real path of `path` when it exists and is inside the site's folders; `outside` with where it leads when
 * a link takes it elsewhere; null when it cannot be resolved (missing, a loop, unreadable).
 */
export function resolveInside(path: string, roots: SiteRoots): { real: string } | { outside: string } | null {
  let real: string;
  try {
    real = realpathSync.native(path);
  } catch {
    return null;
  }
  return isInsideRoots(real, roots) ? { real } : { outside: real };
}

function realOr(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    // A folder that does not exist holds nothing to serve; its spelled path keeps the check well defined.
    return path;
  }
}
