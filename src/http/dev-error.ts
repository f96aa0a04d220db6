/** The page `quire serve --dev` shows for a template or rendering error: what failed, where, and why, for the author at the keyboard. */
import { formatErrorChain } from "../errors.js";
import type { Page } from "./pages.js";

/** A 500 page naming the template, line and message (development only: readers get the themed page). */
export function devErrorPage(err: unknown, what: string): Page {
  const chain = formatErrorChain(err, false);
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error: ${escapeHtml(firstLine(chain))}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
pre{background:#fff4f2;border-left:4px solid #a4402a;padding:1rem;white-space:pre-wrap;overflow-wrap:anywhere}</style>
</head><body>
<h1>This page failed to render</h1>
<p>While rendering ${escapeHtml(what)} (shown in development only; readers see the site's error page):</p>
<pre class="quire-error">${escapeHtml(chain)}</pre>
<p>Fix the file it names and save: the page reloads.</p>
</body></html>`;
  return {
    status: 500,
    body,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
    cacheable: false,
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.replace(/^1\. /, "").slice(0, 120);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
