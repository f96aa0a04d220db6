/**
 * Warnings for image arguments Quire does not know (`![{320,index_crop=True}](a.jpg)`): Publ ignores them
 * and so does Quire's renderer, but `quire check` names each one by file, line and argument, so a typo
 * does not go unnoticed.
 */
import { readFileSync } from "node:fs";
import { QuireError } from "../errors.js";
import { scanContent } from "../content/scanner.js";
import { unknownArgKeys } from "./image-args.js";

// `![alt](specs)` on one line, and the `{…}` groups inside it (image arguments never nest braces).
const IMAGE = /!\[([^\]\n]*)\]\(([^\n]*?)\)(?=[^)]*$|\s|$)/g;
const ARGS = /\{([^{}\n]*)\}/g;

/** Every unknown image argument in the Markdown entries under `contentDir`, as warnings naming file and line. */
export function imageArgWarnings(contentDir: string): QuireError[] {
  const out: QuireError[] = [];
  for (const file of scanContent(contentDir, { stat: false }).files) {
    if (file.kind !== "entry" || !/\.(md|markdown)$/i.test(file.rel)) continue;
    let text: string;
    try {
      text = readFileSync(file.abs, "utf8");
    } catch {
      continue; // unreadable files are reported by the index already
    }
    for (const { line, key } of unknownImageArgs(text)) {
      out.push(
        new QuireError("E_IMAGE_SPEC", `image argument "${key}" is not one Quire knows; it is ignored`, {
          file: `content/${file.rel}`,
          line,
          field: key,
        }),
      );
    }
  }
  return out;
}

/** The unknown argument keys of the image sets in Markdown text, with their 1-based lines. */
export function unknownImageArgs(text: string): { line: number; key: string }[] {
  const found: { line: number; key: string }[] = [];
  if (!text.includes("![")) return found;
  let fenced = false;
  text.split("\n").forEach((raw, i) => {
    if (/^ {0,3}(```|~~~)/.test(raw)) fenced = !fenced;
    // Images shown as code (in a fence, indented or in backticks) are not images.
    if (fenced || /^( {4}|\t)/.test(raw) || !raw.includes("![")) return;
    const lineText = raw.replace(/`[^`]*`/g, (code) => " ".repeat(code.length));
    for (const image of lineText.matchAll(IMAGE)) {
      for (const group of `${image[1]} ${image[2]}`.matchAll(ARGS)) {
        for (const key of unknownArgKeys(group[1]!)) found.push({ line: i + 1, key: key.slice(0, 40) });
      }
    }
  });
  return found;
}
