/** Publ-style RFC-822 header blocks (`Name: value` lines up to the first blank line), read the way
 *  Publ's `email.message_from_file` reads them, so existing Publ sites parse unchanged. */

import type { ErrorCode } from "../errors.js";
import { QuireError } from "../errors.js";
import { headerKey, type Header } from "./entry-record.js";
import { excerpt } from "./parse-text.js";

/** The headers of a file and where its body starts. */
export interface HeaderBlock {
  /** `publ` when the file opens with a header line, else `none` (the whole text is body). */
  style: "publ" | "none";
  headers: Header[];
  body: string;
  /** 1-based line of the file where the body starts. */
  bodyLine: number;
  problems: QuireError[];
}

// Python's email.feedparser headerRE: a name of printable ASCII except ":" and space, then a colon.
const HEADER_LINE = /^([\x21-\x39\x3b-\x7e]+):(.*)$/;
const CONTINUATION = /^[ \t]/;

/**
 * Read the header block at the start of `text` (already LF-only). Like Python's email parser: a first
 * line that is not `Name: value` means the file has no headers; a line starting with whitespace folds
 * into the previous value (joined with one space); a non-header line ends the block early and opens the
 * body (reported, since it usually means a missing blank line or a mistyped name).
 */
export function parsePublHeaders(
  text: string,
  file: string,
  code: ErrorCode = "E_ENTRY_HEADER",
): HeaderBlock {
  const headers: Header[] = [];
  const problems: QuireError[] = [];
  let pos = 0;
  let line = 1;
  const firstEnd = text.indexOf("\n");
  const first = firstEnd < 0 ? text : text.slice(0, firstEnd);
  if (!HEADER_LINE.test(first)) {
    // A blank first line is an empty header block: Python's parser consumes it as the separator.
    if (first.trim() === "" && firstEnd >= 0) {
      return { style: "none", headers, body: text.slice(firstEnd + 1), bodyLine: line + 1, problems };
    }
    return { style: "none", headers, body: text, bodyLine: line, problems };
  }
  // Continuation lines are gathered and joined once: appending each to the value would build a string as
  // deep as the header is long, which later costs more than linear time to flatten.
  let folded: string[] = [];
  const settle = () => {
    const last = headers[headers.length - 1];
    if (last && folded.length > 0) last.value = [last.value, ...folded].filter((v) => v !== "").join(" ");
    folded = [];
  };
  while (pos < text.length) {
    const end = text.indexOf("\n", pos);
    const next = end < 0 ? text.length : end + 1;
    const raw = text.slice(pos, end < 0 ? text.length : end);
    // Unlike Python, a whitespace-only line ends the block: it looks blank to the author.
    if (raw.trim() === "") {
      settle();
      return { style: "publ", headers, body: text.slice(next), bodyLine: line + 1, problems };
    }
    const last = headers[headers.length - 1];
    const m = HEADER_LINE.exec(raw);
    if (CONTINUATION.test(raw) && last) {
      folded.push(raw.trim());
    } else if (m) {
      settle();
      const name = m[1] ?? "";
      headers.push({ name, key: headerKey(name), value: (m[2] ?? "").trim(), line });
    } else if (raw.startsWith(":")) {
      problems.push(
        new QuireError(code, `Header line "${excerpt(raw)}" has no name (expected Name: value)`, { file, line }),
      );
    } else {
      problems.push(
        new QuireError(
          code,
          `Line "${excerpt(raw)}" is not a header (expected Name: value, and a blank line before the body)`,
          { file, line },
        ),
      );
      settle();
      return { style: "publ", headers, body: text.slice(pos), bodyLine: line, problems };
    }
    pos = next;
    line++;
  }
  settle();
  return { style: "publ", headers, body: "", bodyLine: line, problems };
}
