/** Types for markdown-it-footnote, which ships none: a plain markdown-it plugin. */

declare module "markdown-it-footnote" {
  import type MarkdownIt from "markdown-it";

  const footnote: (md: MarkdownIt) => void;
  export default footnote;
}
