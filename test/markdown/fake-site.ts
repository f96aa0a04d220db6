/** A stand-in for Quire's link resolver over a tiny site, shared by the Markdown tests. */

import type { LinkKind, LinkResolver } from "../../src/markdown/index.js";

/** Every call the resolver received, in order. */
export interface ResolverLog {
  calls: Array<[string, LinkKind]>;
  resolve: LinkResolver;
}

/** Entry ids → permalinks, `*.md` paths → permalinks, `@path` → static URLs; anything else untouched. */
export function fakeSite(): ResolverLog {
  const calls: Array<[string, LinkKind]> = [];
  const resolve: LinkResolver = (href, kind) => {
    calls.push([href, kind]);
    if (/^\d+$/.test(href)) return `/blog/${href}-an-entry`;
    if (href === "../other.md") return "/notes/7-other";
    if (href === "my post.md") return "/blog/8-my-post";
    if (href.startsWith("@")) return `/static/${href.slice(1)}`;
    return null;
  };
  return { calls, resolve };
}
