/** What a static host needs besides pages: small HTML redirect pages, and the `_redirects` and `_headers`
 *  files in the format Netlify and Cloudflare Pages share. */
import { absoluteUrl } from "../template/urls.js";

/** One redirect the server answers with a 301. */
export interface Redirect {
  from: string;
  to: string;
  status: 301 | 302;
}

/** A page that sends browsers on at once (meta refresh), names the target for search engines, and links to it. */
export function redirectPage(to: string, baseUrl: string): string {
  const canonical = /^https?:/i.test(to) ? to : absoluteUrl(baseUrl, to);
  const href = escapeAttr(to);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Moved</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="${escapeAttr(canonical)}">
<meta http-equiv="refresh" content="0; url=${href}">
</head>
<body>
<p>This page has moved to <a href="${href}">${escapeText(to)}</a>.</p>
</body>
</html>
`;
}

/**
 * `_redirects`: one `/from /to 301` line per redirect, the most important first (Path-Alias and Redirect-To
 * before `/<id>` short links), because some hosts read only the first few thousand lines.
 */
export function redirectsFile(redirects: readonly Redirect[]): string {
  const lines = ["# Written by quire build: the server's redirects, for Netlify and Cloudflare Pages."];
  for (const r of redirects) {
    if (/\s/.test(r.from) || /\s/.test(r.to)) continue;
    lines.push(`${r.from} ${r.to} ${r.status}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A `_headers` rule: a path pattern and its headers. */
export interface HeaderRule {
  path: string;
  headers: Record<string, string>;
}

/** `_headers`: the server's security headers everywhere, immutable renditions, and types for extensionless files. */
export function headersFile(rules: readonly HeaderRule[]): string {
  const blocks = [
    "# Written by quire build: the server's response headers, for Netlify and Cloudflare Pages.",
  ];
  for (const rule of rules) {
    if (/\s/.test(rule.path)) continue;
    const lines = Object.entries(rule.headers).map(([k, v]) => `  ${k}: ${v}`);
    blocks.push(`${rule.path}\n${lines.join("\n")}`);
  }
  return `${blocks.join("\n")}\n`;
}

/** Quotes for a double-quoted attribute. */
function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;");
}

function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
