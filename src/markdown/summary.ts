/** An entry's summary: its `Summary` header rendered as inline Markdown, else the first paragraph of its body. */

import type MarkdownIt from "markdown-it";
import { createEnv, type RenderContext } from "./env.js";
import { scanHtml } from "./html-scan.js";
import { absolutizeHtml } from "./links.js";

/** What a summary is made from: the header (if any) and the entry's rendered body HTML. */
export interface SummarySource {
  summary: string | null;
  html: string;
}

/**
 * HTML for the summary, as Publ gives it: the header as inline Markdown (no `<p>`), with raw HTML escaped like
 * every header; failing that, the first paragraph of `html` as a `<p>`, with footnote markers removed, since the
 * notes they point to are not shown with a summary. `""` when there is neither.
 */
export function summarize(md: MarkdownIt, source: SummarySource, ctx: RenderContext = {}): string {
  const html = summaryHtml(md, source, ctx);
  return ctx.absolute ? absolutizeHtml(html, ctx.baseUrl!) : html;
}

/** summarize without the absolute-URL pass, for callers that make a whole entry absolute at once. */
export function summaryHtml(md: MarkdownIt, source: SummarySource, ctx: RenderContext): string {
  if (source.summary !== null && source.summary.trim() !== "") {
    // The context object itself goes into the env: plugins may rely on its methods.
    return md.renderInline(source.summary.trim(), createEnv(ctx, { escapeHtml: true })).trim();
  }
  createEnv(ctx); // same validation of the context as the header path
  return asSummaryParagraph(withoutNoteRefs(summaryParagraph(source.html)));
}

/** A summary taken from the text, as Publ gives it: the paragraph it is (`<p>…</p>`); `""` stays `""`. */
export function asSummaryParagraph(inner: string): string {
  return inner === "" ? "" : `<p>${inner}</p>`;
}

/**
 * The first paragraph of `html` as a summary shows it: without its images (a summary is text, as in Publ), and
 * when that leaves nothing to read, the next paragraph that has text; `""` when none has.
 */
export function summaryParagraph(html: string): string {
  let rest = html;
  for (;;) {
    const p = scanFirstParagraph(rest);
    if (p === null) return "";
    const text = withoutImages(p.html);
    if (hasText(text)) return text;
    if (!p.closed) return "";
    rest = rest.slice(p.end);
  }
}

/** A paragraph's HTML without its images, nor the links that held only an image. */
export function withoutImages(html: string): string {
  return html
    .replace(/<img\b[^>]*>/gi, "")
    .replace(/<a\b[^>]*>\s*<\/a>/gi, "")
    .trim();
}

/** Whether HTML has any text once its tags are left out. */
export function hasText(html: string): boolean {
  return html.replace(/<[^>]*>/g, "").trim() !== "";
}

/** The inner HTML of the first `<p>` in `html` (comments and scripts skipped), trimmed; `""` when there is none. */
export function firstParagraph(html: string): string {
  return scanFirstParagraph(html)?.html ?? "";
}

/**
 * The first paragraph of `html` when `html` may be only the start of a document: null unless the paragraph
 * ends (a `</p>`, or a `<p>` that closes it) within `html`, so that a longer document could not end it later.
 */
export function closedFirstParagraph(html: string): string | null {
  const p = scanFirstParagraph(html);
  return p?.closed ? p.html : null;
}

function scanFirstParagraph(html: string): { html: string; closed: boolean; end: number } | null {
  let start = -1;
  let end = -1;
  scanHtml(html, (piece) => {
    if (piece.type !== "tag" || piece.name !== "p") return false;
    if (start < 0) {
      if (!piece.closing) start = piece.end;
      return false;
    }
    // The closing </p>, or a second <p> that implicitly closes the first, as in HTML.
    end = piece.start;
    return true;
  });
  if (start < 0) return null;
  return { html: html.slice(start, end < 0 ? html.length : end).trim(), closed: end >= 0, end };
}

/** Footnote references are left out of summaries: the notes they point to are not shown there. */
export function withoutNoteRefs(html: string): string {
  return html.replace(/<sup class="footnote-ref">[\s\S]*?<\/sup>/g, "");
}
