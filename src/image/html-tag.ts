/** Writing HTML tags safely (pure): escaped attribute values, attributes skipped when absent, in the order given. */

/** An attribute value: text or a number is written escaped, `true` as a bare attribute, false/null/undefined not at all. */
export type AttrValue = string | number | boolean | null | undefined;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escape text for HTML content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** `<name a="…" b>`; `selfClose` writes the XHTML form `<name … />`. */
export function makeTag(name: string, attrs: Array<[string, AttrValue]>, selfClose = false): string {
  let out = `<${name}`;
  for (const [key, value] of attrs) {
    if (value === false || value === null || value === undefined) continue;
    out += value === true ? ` ${key}` : ` ${key}="${escapeHtml(String(value))}"`;
  }
  return `${out}${selfClose ? " />" : ">"}`;
}

/** Decode the character references an HTML attribute value may hold (named basics, decimal, hex). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (whole, ref: string) => {
    const lower = ref.toLowerCase();
    if (lower.startsWith("#x")) return safeCodePoint(parseInt(lower.slice(2), 16), whole);
    if (lower.startsWith("#")) return safeCodePoint(parseInt(lower.slice(1), 10), whole);
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[lower] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}
