/** From an entry file's bytes to its text (size, binary and UTF-8 checks, BOM, line endings),
 *  and the `.....` cut that splits a body into `body` and `more`. */

import { QuireError } from "../errors.js";

/** The largest entry or category file Quire reads; the scanner checks the size before reading too. */
export const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/** How far into a file to look for NUL bytes: enough for any image or PDF header. */
export const BINARY_SNIFF_BYTES = 8192;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Decode an author's file: refuse oversized, binary and non-UTF-8 files; strip a BOM; CRLF/CR → LF. */
export function decodeEntryText(bytes: Uint8Array, file: string): string {
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new QuireError(
      "E_ENTRY_TOO_LARGE",
      `File is ${megabytes(bytes.length)}, more than the ${megabytes(MAX_ENTRY_BYTES)} an entry may be`,
      { file },
    );
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new QuireError("E_ENTRY_ENCODING", "File is UTF-16 text (expected UTF-8); save it as UTF-8", {
      file,
    });
  }
  const nul = bytes.subarray(0, BINARY_SNIFF_BYTES).indexOf(0);
  if (nul >= 0) {
    throw new QuireError(
      "E_ENTRY_BINARY",
      `File looks binary (a NUL byte at offset ${nul}), not a text entry; is it an image or document with the wrong name?`,
      { file },
    );
  }
  let text: string;
  try {
    // TextDecoder strips one leading BOM itself (ignoreBOM: false).
    text = decoder.decode(bytes);
  } catch (cause) {
    const at = firstInvalidUtf8(bytes);
    const line = lineAt(bytes, at);
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    throw new QuireError(
      "E_ENTRY_ENCODING",
      `File is not valid UTF-8 (byte 0x${byte} at offset ${at}); save it as UTF-8`,
      { file, line, cause },
    );
  }
  // Line endings are normalised once here so that every later rule can speak of "\n" alone.
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}

/** An author's text as quoted in a message: trimmed, and cut short so a huge value cannot flood a report. */
export function excerpt(text: string, max = 60): string {
  const trimmed = text.length > 4 * max ? text.slice(0, 4 * max).trim() : text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max - 3)}...` : trimmed;
}

function megabytes(n: number): string {
  const mb = n / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The body split at the first line of exactly five dots (trailing spaces allowed), as Publ does. */
export interface CutText {
  body: string;
  /** Null when there is no cut; `""` when the cut is the last line. */
  more: string | null;
}

const CUT_LINE = /^\.{5}[ \t]*$/m;

/** Split a body at its first `.....` line; text above is `body`, text below is `more`. */
export function splitAtCut(text: string): CutText {
  // Most bodies have no five dots at all; the line-anchored search only runs for those that do.
  const m = text.includes(".....") ? CUT_LINE.exec(text) : null;
  if (!m) return { body: text, more: null };
  // Publ partitions on "\n.....\n": the newline ending the last body line belongs to the cut.
  const body = text.slice(0, m.index > 0 ? m.index - 1 : 0);
  const more = text.slice(m.index + m[0].length + 1);
  return { body, more };
}
