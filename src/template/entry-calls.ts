/** Publ's calls on an entry with their signatures (`entry.title(markup=False)`, `entry.body(width=320)`,
 *  `entry.next(category='x')`…), which the engine asks for whatever the member's value is (see callable.ts). */
import { renderTitle } from "../markdown/index.js";
import { sig, type MemberCall } from "./callable.js";
import { textArgs } from "./publ-args.js";
import { archiveLink, plainTitle, truthy, viewKeywords } from "./category-object.js";
import { TEXT_CALLS } from "./entry-text.js";
import type { TemplateEntry } from "./objects.js";

// Made once: templates call these on every entry of every page.
const SIGS = {
  title: sig(
    "entry.title()",
    ["markup"],
    ["no_smartquotes", "smartquotes", "markdown_extensions", "always_show"],
  ),
  link: sig("entry.link()", ["absolute", "expand"]),
  permalink: sig("entry.permalink()", ["absolute", "expand"]),
  archive: sig("entry.archive()", ["paging", "template", "category", "absolute", "tag"]),
  card: sig("entry.card()", [], [], { anyKeyword: true }),
  next: sig("entry.next()", [], [], { anyKeyword: true }),
  previous: sig("entry.previous()", [], [], { anyKeyword: true }),
  body: sig("entry.body()", [], [], { anyKeyword: true }),
  more: sig("entry.more()", [], [], { anyKeyword: true }),
  footnotes: sig("entry.footnotes()", [], [], { anyKeyword: true }),
  summary: sig("entry.summary()", [], [], { anyKeyword: true }),
  toc: sig("entry.toc()", [], [], { anyKeyword: true }),
};

/** The call `key` of `entry`, or undefined when an entry has no call by that name. */
export function entryCall(entry: TemplateEntry, key: string): MemberCall | undefined {
  switch (key) {
    case "title":
      return {
        sig: SIGS.title,
        call: (kw) => {
          // As in Publ: `always_show=True` prints the title of an entry the reader may not open.
          if (!entry.authorized && !truthy(kw.always_show)) return "";
          if (kw.markup === false) return plainTitle(entry.record.title, kw);
          const html = renderTitle(entry.record.title);
          return html === "" ? "" : entry.rt.safe(html);
        },
      };
    case "link":
    case "permalink":
      return {
        sig: SIGS[key],
        call: (kw) => (key === "link" ? entry.linkTo(kw) : entry.permalinkTo(kw)),
      };
    case "archive":
      return {
        sig: SIGS.archive,
        call: (kw) => archiveLink(entry.rt, entry, kw),
      };
    case "card":
      return {
        sig: SIGS.card,
        call: (kw, warn) => entry.cardTags(textArgs(kw, "entry.card()", warn, ["image"])),
      };
    case "next":
    case "previous":
      return {
        sig: SIGS[key],
        call: (kw, warn) => entry.rt.neighbour(entry.record, key, viewKeywords(kw, warn, `entry.${key}()`)),
      };
    default:
      if ((TEXT_CALLS as readonly string[]).includes(key)) {
        const part = key as (typeof TEXT_CALLS)[number];
        const extra = part === "toc" ? ["max_depth"] : [];
        return {
          sig: SIGS[part],
          call: (kw, warn) => entry.text(part, textArgs(kw, `entry.${part}()`, warn, extra)),
        };
      }
      return undefined;
  }
}
