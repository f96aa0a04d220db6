/**
 * The plain front matter most entries have, read without a YAML parser: one `name: value` line per key,
 * where a value is a quoted string without escapes, a plain word or phrase (a date is one), a whole
 * number, true, false, null, or a one-line `[a, "b"]` list of those. Anything else, or anything this reader is not sure of, makes it
 * return null and the block goes to js-yaml, so for every block it accepts it gives exactly what js-yaml
 * gives with the core schema (a property test holds it to that). A first index of a YAML site spends
 * ~30 µs a file in gray-matter and js-yaml; this takes a few.
 */

/**
 * js-yaml's rule for characters a YAML stream may not contain, widened to the line breaks and marks it
 * treats in ways of its own (CR, NEL, U+2028, U+2029, a BOM): a block with any of them goes to js-yaml.
 */
const NON_PRINTABLE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
  /[\x00-\x08\x0B-\x1F\x7F-\x9F\uFEFF\uFFFE\uFFFF\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** `name: …` with a name of letters, digits, `-` and `_` starting with a letter, and the rest of the line. */
const ENTRY = /^([A-Za-z][A-Za-z0-9_-]*):(?: +(.*))?$/;

/** The YAML 1.2 core schema's integers and floats: a plain scalar that matches neither is a string. */
const CORE_INT = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?[0-9]+)$/;
const CORE_FLOAT =
  /^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** Marks the value of a line this reader cannot settle. */
const UNSURE = Symbol("unsure");

/**
 * The data of front matter lines `lines[from..to)` (the lines between the `---` fences), or null when
 * they are not all in the plain form described above.
 */
export function readSimpleYaml(lines: readonly string[], from: number, to: number): Record<string, unknown> | null {
  const data: Record<string, unknown> = {};
  for (let i = from; i < to; i++) {
    const raw = lines[i]!;
    if (raw.includes("\t") || NON_PRINTABLE.test(raw)) return null;
    // YAML ignores trailing spaces, and tabs were refused above; other Unicode spaces are text.
    const line = raw.replace(/ +$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const m = ENTRY.exec(line);
    if (!m) return null;
    const key = m[1]!;
    // A repeated key is an error js-yaml reports in its own words.
    if (Object.hasOwn(data, key)) return null;
    const text = m[2];
    const value = text === undefined || text === "" ? null : readValue(text);
    if (value === UNSURE) return null;
    data[key] = value;
  }
  return data;
}

function readValue(text: string): unknown {
  const first = text.charCodeAt(0);
  if (first === 0x22 /* " */) return quoted(text, '"');
  if (first === 0x27 /* ' */) return quoted(text, "'");
  if (first === 0x5b /* [ */) return flowList(text);
  return plain(text, false);
}

/** A whole-line quoted string with no escape and no quote inside. */
function quoted(text: string, quote: string): string | typeof UNSURE {
  if (text.length < 2 || !text.endsWith(quote)) return UNSURE;
  const inner = text.slice(1, -1);
  if (inner.includes(quote) || (quote === '"' && inner.includes("\\"))) return UNSURE;
  return inner;
}

/** `[a, "b", 'c']` on one line: plain items, or quoted ones without escapes. */
function flowList(text: string): unknown[] | typeof UNSURE {
  if (!text.endsWith("]")) return UNSURE;
  const inner = text.slice(1, -1).trim();
  const items: unknown[] = [];
  if (inner === "") return items;
  for (const part of inner.split(",")) {
    const item = part.trim();
    if (item === "") return UNSURE;
    const first = item.charCodeAt(0);
    const value =
      first === 0x22 ? quoted(item, '"') : first === 0x27 ? quoted(item, "'") : plain(item, true);
    if (value === UNSURE) return UNSURE;
    items.push(value);
  }
  return items;
}

/**
 * A plain scalar as the core schema resolves it: null, true, false, a whole number or a string. Anything
 * that might be another number form, or that a YAML indicator could change, is unsure.
 */
function plain(text: string, inList: boolean): unknown {
  // Indicators that may start something else, and characters that may end or comment the value.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) || text.includes("#") || text.endsWith(":")) return UNSURE;
  if (text.includes(": ") || (inList && /[[\]{}:'"]/.test(text))) return UNSURE;
  switch (text) {
    case "~":
    case "null":
    case "Null":
    case "NULL":
      return null;
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
  }
  const c = text.charCodeAt(0);
  if (c === 0x2b /* + */ || c === 0x2e /* . */ || (c >= 0x30 && c <= 0x39)) {
    // A whole number as people write one is read here; other number forms (0x1F, 1e3, 007, .5) are left to js-yaml.
    if (/^(?:0|[1-9][0-9]{0,14})$/.test(text)) return Number(text);
    if (CORE_INT.test(text) || CORE_FLOAT.test(text)) return UNSURE;
  }
  return text;
}
