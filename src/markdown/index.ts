/** Markdown → HTML for entries, titles and summaries: pure functions over strings, no I/O. */

export { createMarkdown, type MarkdownOptions, type MarkdownPlugin } from "./create-markdown.js";
export {
  renderMarkdown,
  renderSummary,
  summarySource,
  type EntryMarkdown,
  type RenderedEntry,
} from "./render-markdown.js";
export type { LinkKind, LinkResolver, MarkdownEnv, RenderContext, TocItem } from "./env.js";
export { renderToc, type TocOptions } from "./headings.js";
export { renderHtml, resolveUrl, absolutizeUrl, absolutizeHtml } from "./links.js";
export { rewriteHtmlLinks, rewriteSrcset, type UrlRewriter } from "./html-links.js";
export { summarize, firstParagraph, type SummarySource } from "./summary.js";
export { plainText, htmlToText, htmlToLines, renderTitle, titleText, titlePlainText } from "./plain-text.js";
export { notesForPlainText } from "./footnotes.js";
export { slugify, SLUG_MAX_LENGTH } from "./slugify.js";
export { renderCode, loadHighlighter } from "./code-block.js";
export { markdownIt as loadMarkdownIt } from "./markdown-it.js";
