/**
 * A bound on emphasis delimiters per inline run. markdown-it makes a token and a delimiter record for every
 * `*`, `_` and `~`, then pairs them: linear, but a 600 KB line of `*a_` made 400,000 of each and took 3–15 s
 * to render, most of it garbage collection. Past the budget, the delimiters of that run are plain text — which
 * is also what a reader sees of such a run, since nothing in it can pair up sensibly.
 */
import type MarkdownIt from "markdown-it";
import type StateInline from "markdown-it/lib/rules_inline/state_inline.mjs";

/** Delimiters in one paragraph (or heading, or table cell) beyond which emphasis is not parsed in it. */
export const MAX_EMPHASIS_DELIMITERS = 10_000;

const DELIMITERS = new Set([0x2a /* * */, 0x5f /* _ */, 0x7e /* ~ */]);

// The rule is asked at every delimiter of a run, so each run (one inline state) is counted once. Keyed by the
// state, not its text: comparing a 600 KB text with an equal copy costs a pass over it at every delimiter.
const counted = new WeakMap<StateInline, boolean>();

function overBudget(state: StateInline): boolean {
  const src = state.src;
  // A run shorter than the budget cannot be over it: nearly every run, answered without the WeakMap (whose
  // entries also cost the garbage collector).
  if (src.length <= MAX_EMPHASIS_DELIMITERS) return false;
  const known = counted.get(state);
  if (known !== undefined) return known;
  let n = 0;
  for (let i = 0; i < src.length && n <= MAX_EMPHASIS_DELIMITERS; i++)
    if (DELIMITERS.has(src.charCodeAt(i))) n++;
  const over = n > MAX_EMPHASIS_DELIMITERS;
  counted.set(state, over);
  return over;
}

function literalDelimiters(state: StateInline, silent: boolean): boolean {
  const ch = state.src.charCodeAt(state.pos);
  if (!DELIMITERS.has(ch) || !overBudget(state)) return false;
  if (!silent) state.pending += state.src[state.pos];
  state.pos++;
  return true;
}

/** Makes emphasis and strikethrough delimiters plain text in any inline run holding more than the budget. */
export function delimiterBudgetPlugin(md: MarkdownIt): void {
  md.inline.ruler.before("strikethrough", "quire_delimiter_budget", literalDelimiters);
}
