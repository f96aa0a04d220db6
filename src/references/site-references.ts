/** `quire check`'s view of a site for the reference checks: its index, folders and router, built from an index database. */
import type { LoadedSite } from "../config/site.js";
import { ContentIndex, type Db } from "../db/index.js";
import { siteRoots } from "../content/site-roots.js";
import { TemplateLoader } from "../template/loader.js";
import { BUILTIN_TEMPLATES } from "../template/engine.js";
import { isRoutableTemplate, type RouteContext } from "../http/route.js";
import { ANONYMOUS_ACCESS } from "../auth/access-rule.js";
import type { QuireError } from "../errors.js";
import { referenceProblems } from "./check.js";

export { referenceProblems, entryReferenceProblems, type ReferenceDeps } from "./check.js";

/** The reference problems of every entry of a site, judged as an anonymous reader's requests would be routed. */
export function siteReferenceProblems(site: LoadedSite, db: Db): QuireError[] {
  const index = new ContentIndex(db);
  const templates = new TemplateLoader(
    site.paths.templatesDir === BUILTIN_TEMPLATES
      ? [site.paths.templatesDir]
      : [site.paths.templatesDir, BUILTIN_TEMPLATES],
  );
  const route: RouteContext = {
    index,
    now: Date.now(),
    reader: ANONYMOUS_ACCESS,
    categories: new Set(index.categories()),
    hasTemplate: (category, name) => isRoutableTemplate(name) && templates.find(name, category) !== null,
    indexTemplate: (category) => index.categoryMeta(category)?.indexTemplate ?? "index",
    entryTemplate: (category) => index.categoryMeta(category)?.entryTemplate ?? null,
  };
  return referenceProblems({
    contentDir: site.paths.contentDir,
    roots: siteRoots(site.paths.contentDir),
    index,
    route,
  });
}
