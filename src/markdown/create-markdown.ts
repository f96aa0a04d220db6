/**
 * The configured markdown-it instance for entry bodies. Build it once at startup and reuse it: it holds
 * no per-render state (that lives in the env, see env.ts), and building one costs far more than a render.
 *
 * Dialect: CommonMark plus tables and strikethrough (built in), `==highlight==` as `<mark>` (as in Publ,
 * through markdown-it-mark), footnotes, raw HTML (authors are
 * trusted), typographic quotes and dashes (written as Publ writes them,
 * see publ-typography.ts), heading ids with self-links, highlighted code fences with
 * Publ's caption line, and link resolution. Linkify is off: a bare `example.com` or `notes.md` in prose
 * stays prose, as it does in Publ; authors who want a bare URL as a link write `<https://…>`.
 */

import { newMarkdownIt, type MarkdownIt } from "./markdown-it.js";
import { codeBlockPlugin } from "./code-block.js";
import { footnotesPlugin } from "./footnotes.js";
import { headingsPlugin } from "./headings.js";
import { linksPlugin } from "./links.js";
import mark from "markdown-it-mark";
import { footnoteLabelsPlugin } from "./footnote-labels.js";
import { linkSpacesPlugin } from "./link-spaces.js";
import { delimiterBudgetPlugin } from "./delimiter-budget.js";
import { publTypographyPlugin } from "./publ-typography.js";

/** A markdown-it plugin; Publ's image syntax arrives this way. */
export type MarkdownPlugin = (md: MarkdownIt) => void;

/** Options for createMarkdown. */
export interface MarkdownOptions {
  /**
   * Applied after Quire's own rules, in order. A plugin may add inline rules (e.g. before `image`),
   * core rules and renderer rules; it finds the RenderContext at `env.quire` (see env.ts). Tokens of
   * type `image` and `link_open` still have their URL resolved unless the plugin sets `meta.resolved`.
   */
  plugins?: MarkdownPlugin[];
}

/** Marks, in the core chain, the point where every part of an entry has been split into blocks (see renderMarkdown). */
export function afterBlocks(): void {}

/** A markdown-it configured with Quire's dialect and `plugins`. */
export function createMarkdown(options: MarkdownOptions = {}): MarkdownIt {
  const md = newMarkdownIt("default", { html: true, typographer: true, linkify: false });
  md.core.ruler.after("block", "quire_after_blocks", afterBlocks);
  // Order matters: ids and links are settled before footnote definitions are lifted out of the stream.
  md.use(mark);
  md.use(headingsPlugin);
  md.use(linksPlugin);
  md.use(footnotesPlugin);
  md.use(footnoteLabelsPlugin);
  md.use(linkSpacesPlugin);
  md.use(codeBlockPlugin);
  md.use(delimiterBudgetPlugin);
  md.use(publTypographyPlugin);
  for (const plugin of options.plugins ?? []) md.use(plugin);
  return md;
}
