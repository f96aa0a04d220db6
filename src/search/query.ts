/**
 * A reader's search query → an FTS5 expression and tag filters: words, "phrases", `word*` prefixes, `-exclude`,
 * `tag:x`, `title:x`, `OR`. Every term is re-quoted from its word characters, so no input can reach FTS5's
 * own syntax (`NEAR(`, `*`, `^`, column names); pure, no I/O.
 */

/** One term of a query: the words of a phrase (one word is a phrase of one). */
export interface QueryTerm {
  words: string[];
  prefix: boolean;
  /** Only in titles (`title:x`). */
  title: boolean;
}

/** A parsed query. */
export interface ParsedQuery {
  /** Terms every result has; each inner list is a set of alternatives joined by `OR`. */
  all: QueryTerm[][];
  /** Terms no result has. */
  none: QueryTerm[];
  /** Tag keys every result carries (`tag:x`), and ones none carries (`-tag:x`). */
  tags: string[];
  notTags: string[];
  /** The query as the reader typed it, cleaned of control characters and cut to MAX_QUERY_CHARS. */
  text: string;
}

/** Longest query read; the rest is ignored (a search box needs no more). */
export const MAX_QUERY_CHARS = 256;
/** Most terms read from one query. */
export const MAX_TERMS = 16;

// eslint-disable-next-line no-control-regex -- control characters (NUL included) are dropped from queries
const CONTROL = /[\u0000-\u001f\u007f]/g;
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const ITEM = /(-?)(?:(tag|title):)?(?:"([^"]*)"?|(\S+))/giu;

/** The words of a piece of text as the index's tokenizer splits them (letters, digits, marks). */
export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Parses a reader's query; never throws. */
export function parseQuery(raw: string): ParsedQuery {
  const text = raw.replace(CONTROL, " ").slice(0, MAX_QUERY_CHARS).trim();
  const out: ParsedQuery = { all: [], none: [], tags: [], notTags: [], text };
  let orNext = false;
  let count = 0;
  for (const m of text.matchAll(ITEM)) {
    if (count >= MAX_TERMS) break;
    const [, minus, field, phrase, bare] = m;
    const body = phrase ?? bare ?? "";
    if (!field && phrase === undefined && body === "OR") {
      orNext = out.all.length > 0;
      continue;
    }
    if (field?.toLowerCase() === "tag") {
      const key = tagKeyOf(body);
      if (key) (minus ? out.notTags : out.tags).push(key);
      count++;
      orNext = false;
      continue;
    }
    const words = wordsOf(body).map((w) => w.toLowerCase());
    if (words.length === 0) continue;
    const term: QueryTerm = {
      words,
      prefix: phrase === undefined && body.endsWith("*"),
      title: field?.toLowerCase() === "title",
    };
    count++;
    if (minus) out.none.push(term);
    else if (orNext) out.all[out.all.length - 1]!.push(term);
    else out.all.push([term]);
    orNext = false;
  }
  return out;
}

/** The query as plain words: what a query becomes when FTS5 refuses the parsed form. */
export function plainWordsQuery(raw: string): ParsedQuery {
  const text = raw.replace(CONTROL, " ").slice(0, MAX_QUERY_CHARS).trim();
  const words = wordsOf(text).slice(0, MAX_TERMS);
  return {
    all: words.map((w) => [{ words: [w.toLowerCase()], prefix: false, title: false }]),
    none: [],
    tags: [],
    notTags: [],
    text,
  };
}

/** The FTS5 MATCH expression of a parsed query, or null when it has no term to match (tags only, or nothing). */
export function matchExpression(q: ParsedQuery): string | null {
  if (q.all.length === 0) return null;
  const groups = q.all.map((alts) => {
    const parts = alts.map(termExpression);
    return parts.length === 1 ? parts[0]! : `(${parts.join(" OR ")})`;
  });
  let expr = groups.join(" AND ");
  for (const term of q.none) expr = `(${expr}) NOT ${termExpression(term)}`;
  return expr;
}

/**
 * An FTS5 expression for "one of the query's terms (not an excluded one) is in the title or the tags", or
 * null when the query has no term: the first tier of a ranking by parts (see searcher.ts).
 */
export function headsExpression(q: ParsedQuery): string | null {
  const terms = q.all.flat().map((t) => termExpression({ ...t, title: false }));
  return terms.length === 0 ? null : `{title tags} : (${terms.join(" OR ")})`;
}

function termExpression(t: QueryTerm): string {
  // Words hold only letters, digits and marks, so quoting them needs no escaping.
  const phrase = `"${t.words.join(" ")}"${t.prefix ? " *" : ""}`;
  return t.title ? `title : ${phrase}` : phrase;
}

/** True when the query asks for anything at all (a term or a tag). */
export function hasTerms(q: ParsedQuery): boolean {
  return q.all.length > 0 || q.tags.length > 0;
}

/** The case-folded key of a tag as the index stores it (see `tagKey` in src/db). */
function tagKeyOf(tag: string): string {
  return tag.trim().normalize("NFC").toLowerCase().replace(/\s+/g, " ");
}
