/** Stamps missing Entry-ID, UUID and Date (and a copy's fresh ID) into an entry's header block: atomically, all other bytes kept, aborted if the file changed. */
import { readFileSync, writeFileSync, renameSync, rmSync, statSync, chmodSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { QuireError } from "../errors.js";
import type { HeaderStyle } from "./entry-record.js";

/** The headers to add; only the ones present are written. */
export interface Stamp {
  entryId?: number;
  uuid?: string;
  /** Already formatted in the site time zone. */
  date?: string;
  /** Header lines whose value is replaced (1-based line numbers), e.g. the Entry-ID of a copied post. */
  replace?: { line: number; value: string }[];
}

/** The new file text with the stamp's headers added to the header block; `null` when there is nothing to add. */
export function stampText(source: string, style: HeaderStyle, stamp: Stamp): string | null {
  const original = stamp.replace?.length ? replaceValues(source, stamp.replace) : source;
  const changed = original !== source;
  const added = addHeaders(original, style, stamp);
  return added ?? (changed ? original : null);
}

/** Sets the value of single-line headers (`Name: value`) at the given lines, keeping the name and line ending. */
function replaceValues(text: string, replace: readonly { line: number; value: string }[]): string {
  const lines = text.split("\n");
  for (const { line, value } of replace) {
    const current = lines[line - 1];
    if (current === undefined) continue;
    const m = /^(\s*[^:\s][^:]*:)[^\r]*(\r?)$/.exec(current);
    if (m) lines[line - 1] = `${m[1]} ${value}${m[2]}`;
  }
  return lines.join("\n");
}

function addHeaders(original: string, style: HeaderStyle, stamp: Stamp): string | null {
  const eol = original.includes("\r\n") ? "\r\n" : "\n";
  if (style === "yaml") {
    const lowercase = /^---[^\n]*\r?\n[a-z_-]+\s*:/.test(original);
    const lines = headerLines(stamp, lowercase, true);
    if (lines.length === 0) return null;
    // Insert just before the closing `---` (or `...`) of the front matter.
    const close = /\r?\n(---|\.\.\.)[ \t]*(\r?\n|$)/.exec(original.slice(original.indexOf("\n")));
    if (!close) return null;
    const at = original.indexOf("\n") + close.index + (close[0].startsWith("\r") ? 2 : 1);
    return original.slice(0, at) + lines.map((l) => l + eol).join("") + original.slice(at);
  }
  const lines = headerLines(stamp, false, false);
  if (lines.length === 0) return null;
  if (style === "none") return lines.map((l) => l + eol).join("") + eol + original;
  // Publ style: the header block ends at the first blank line; add the lines at its end.
  const blank = /\r?\n[ \t]*\r?\n/.exec(original);
  if (!blank) {
    const sep = original.endsWith("\n") ? "" : eol;
    return original + sep + lines.map((l) => l + eol).join("");
  }
  const at = blank.index + (original[blank.index] === "\r" ? 2 : 1);
  return original.slice(0, at) + lines.map((l) => l + eol).join("") + original.slice(at);
}

function headerLines(stamp: Stamp, lowercase: boolean, yaml: boolean): string[] {
  const lines: string[] = [];
  const name = (n: string) => (lowercase ? n.toLowerCase() : n);
  if (stamp.entryId !== undefined) lines.push(`${name("Entry-ID")}: ${stamp.entryId}`);
  if (stamp.uuid !== undefined) lines.push(`${name("UUID")}: ${stamp.uuid}`);
  if (stamp.date !== undefined) lines.push(`${name("Date")}: ${yaml ? JSON.stringify(stamp.date) : stamp.date}`);
  return lines;
}

export type WriteBackResult = "written" | "unchanged" | "file-changed";

/**
 * Writes the stamped text to `abs` through a temp file and a rename, but only if the file still holds
 * `originalBytes`: an author's newer edit always wins over Quire's stamp.
 */
export function writeBack(abs: string, originalBytes: Buffer, style: HeaderStyle, stamp: Stamp): WriteBackResult {
  const original = originalBytes.toString("utf8");
  const text = stampText(original, style, stamp);
  if (text === null) return "unchanged";
  const tmp = join(dirname(abs), `.${basename(abs)}.quire-tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    const mode = statSync(abs).mode & 0o7777;
    writeFileSync(tmp, text, { flag: "wx" });
    chmodSync(tmp, mode);
    if (!readFileSync(abs).equals(originalBytes)) {
      rmSync(tmp, { force: true });
      return "file-changed";
    }
    renameSync(tmp, abs);
    return "written";
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new QuireError("E_WRITE_BACK", `could not write Entry-ID/UUID/Date: ${(err as Error).message}`, {
      file: abs,
      cause: err,
    });
  }
}
