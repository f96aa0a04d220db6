/**
 * Footnote labels with spaces (`[^motor memory]`), which Publ's Markdown accepts and markdown-it-footnote
 * does not. Before parsing, the spaces of every label that has a definition are made no-break spaces,
 * which the plugin accepts; labels are never shown (notes are numbered), so nothing visible changes.
 */
import type MarkdownIt from "markdown-it";
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs";

// A definition line: up to three spaces, `[^label]:`, the label on one line with a space in it.
const DEFINITION = /^ {0,3}\[\^([^\]\n]* [^\]\n]*)\]:/gm;

/** Installs the core rule that lets footnote labels contain spaces; runs before block parsing. */
export function footnoteLabelsPlugin(md: MarkdownIt): void {
  md.core.ruler.after("normalize", "quire_footnote_labels", spacedLabels);
}

function spacedLabels(state: StateCore): void {
  const src = state.src;
  if (!src.includes("[^")) return;
  const labels = new Set<string>();
  for (const m of src.matchAll(DEFINITION)) labels.add(m[1]!);
  if (labels.size === 0) return;
  let out = src;
  for (const label of labels) out = out.split(`[^${label}]`).join(`[^${label.replace(/ /g, "\u00a0")}]`);
  state.src = out;
}
