/**
 * Link targets with spaces (`[the test](images/image renditions.md)`), which Publ's Markdown accepts and
 * CommonMark does not. Before parsing, such a target is wrapped in `<…>`, CommonMark's form for a
 * destination with spaces. Only links (not images, whose `|` and `{…}` syntax is Publ's own), only
 * targets that name a file or folder or a path from the site's root, and never inside code.
 */
import type MarkdownIt from "markdown-it";
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs";

// `[text](target with spaces)`, not preceded by `!`; the target has a space, names a file (`.ext`) or a
// folder (`/` at the end) or is a path from the site's root (`/alias/with space`, a `Path-Alias`), and has none
// of the characters that start a title or another syntax.
const SPACED_LINK =
  /(?<!!)(\[[^\]\n]*\]\()((?:[^()<>"'|{}\n\s][^()<>"'|{}\n]* [^()<>"'|{}\n]*?(?:\.\w{1,8}|\/)|\/[^()<>"'|{}\n\s]*(?: [^()<>"'|{}\n\s]+)+)(?:#[\w-]*)?)\)/g;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Installs the core rule that lets link targets contain spaces; runs before block parsing. */
export function linkSpacesPlugin(md: MarkdownIt): void {
  md.core.ruler.after("normalize", "quire_link_spaces", spacedTargets);
}

function spacedTargets(state: StateCore): void {
  const src = state.src;
  if (!src.includes("](") || !/\]\([^)\n]* /.test(src)) return;
  let fence: string | null = null;
  const lines = src.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = FENCE.exec(line);
    if (f) {
      if (fence === null) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = null;
      continue;
    }
    if (fence !== null || /^( {4}|\t)/.test(line)) continue;
    lines[i] = line.replace(SPACED_LINK, (whole: string, open: string, target: string, offset: number) =>
      insideCodeSpan(line, offset) ? whole : `${open}<${target}>)`,
    );
  }
  state.src = lines.join("\n");
}

/** True when an odd number of backticks precede `offset` on the line (a code span is open there). */
function insideCodeSpan(line: string, offset: number): boolean {
  let ticks = 0;
  for (let i = 0; i < offset; i++) if (line[i] === "`") ticks++;
  return ticks % 2 === 1;
}
