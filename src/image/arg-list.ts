/** The `{…}` argument list of Publ's image syntax: Python-call-like text parsed (never evaluated) into positional and keyword values. */
import { QuireError } from "../errors.js";

/** One argument value: a number, string, boolean, None (null) or a tuple/list of values. */
export type ArgValue = number | string | boolean | null | readonly ArgValue[];

/** A parsed argument list, in the order the author wrote it. */
export interface ArgList {
  positional: ArgValue[];
  keywords: Record<string, ArgValue>;
}

// Bounds that keep a hostile or mistyped argument list cheap to reject.
const MAX_TEXT = 4096;
const MAX_DEPTH = 4;
const MAX_ITEMS = 64;

const CONSTANTS: Record<string, ArgValue> = {
  True: true,
  true: true,
  False: false,
  false: false,
  None: null,
  null: null,
};

const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPACE = /\s*/y;

/** Parse the text between `{` and `}`; anything malformed is a QuireError E_IMAGE_SPEC. */
export function parseArgList(text: string): ArgList {
  if (typeof text !== "string") throw specError(String(text), "argument text is not a string");
  if (text.length > MAX_TEXT) throw specError(text, `longer than ${MAX_TEXT} characters`);
  return new Parser(text).list();
}

/** The error every malformed argument list becomes, quoting (a bounded part of) the text. */
export function specError(text: string, problem: string, field?: string): QuireError {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return new QuireError("E_IMAGE_SPEC", `Image arguments {${shown}}: ${problem}`, field ? { field } : {});
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  list(): ArgList {
    const result: ArgList = { positional: [], keywords: Object.create(null) as Record<string, ArgValue> };
    let items = 0;
    this.skipSpace();
    while (this.pos < this.text.length) {
      if (++items > MAX_ITEMS) throw this.fail(`more than ${MAX_ITEMS} arguments`);
      const key = this.keyword();
      if (key !== null) {
        if (key in result.keywords) throw this.fail(`argument "${key}" given twice`, key);
        result.keywords[key] = this.value(0);
      } else {
        if (Object.keys(result.keywords).length > 0)
          throw this.fail("a positional value follows a keyword argument");
        result.positional.push(this.value(0));
      }
      this.skipSpace();
      if (this.pos >= this.text.length) break;
      this.expect(",");
      this.skipSpace();
    }
    return result;
  }

  /** `name=` ahead: consume it and answer the name; otherwise consume nothing. */
  private keyword(): string | null {
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.text);
    if (!m) return null;
    SPACE.lastIndex = this.pos + m[0].length;
    SPACE.exec(this.text);
    const after = SPACE.lastIndex;
    if (this.text[after] !== "=" || this.text[after + 1] === "=") return null;
    this.pos = after + 1;
    this.skipSpace();
    return m[0];
  }

  private value(depth: number): ArgValue {
    if (depth > MAX_DEPTH) throw this.fail(`values nested deeper than ${MAX_DEPTH}`);
    const c = this.text[this.pos];
    if (c === undefined) throw this.fail("a value is missing at the end");
    if (c === '"' || c === "'") return this.string(c);
    if (c === "(" || c === "[") return this.sequence(c === "(" ? ")" : "]", depth);
    NUMBER.lastIndex = this.pos;
    const num = NUMBER.exec(this.text);
    if (num) {
      this.pos += num[0].length;
      const n = Number(num[0]);
      if (!Number.isFinite(n)) throw this.fail(`number ${num[0]} is out of range`);
      return n;
    }
    IDENT.lastIndex = this.pos;
    const word = IDENT.exec(this.text);
    if (word) {
      if (Object.hasOwn(CONSTANTS, word[0])) {
        this.pos += word[0].length;
        return CONSTANTS[word[0]] as ArgValue;
      }
      // Publ reads these as Python literals, where a bare word is an error; say how to fix it.
      throw this.fail(`bare word ${word[0]} is not a value (quote strings: "${word[0]}")`);
    }
    throw this.fail(`unexpected ${JSON.stringify(c)} at position ${this.pos + 1}`);
  }

  private sequence(close: string, depth: number): ArgValue {
    this.pos++;
    const items: ArgValue[] = [];
    let trailingComma = false;
    this.skipSpace();
    while (this.text[this.pos] !== close) {
      if (this.pos >= this.text.length) throw this.fail(`missing ${close}`);
      if (items.length >= MAX_ITEMS) throw this.fail(`more than ${MAX_ITEMS} values in a tuple`);
      items.push(this.value(depth + 1));
      this.skipSpace();
      trailingComma = false;
      if (this.text[this.pos] === ",") {
        this.pos++;
        trailingComma = true;
        this.skipSpace();
      } else if (this.text[this.pos] !== close) {
        throw this.fail(`expected , or ${close} at position ${this.pos + 1}`);
      }
    }
    this.pos++;
    // As in Python, `(3)` is just 3 while `(3,)` is a one-element tuple.
    if (close === ")" && items.length === 1 && !trailingComma) return items[0] as ArgValue;
    return items;
  }

  private string(quote: string): string {
    let out = "";
    let i = this.pos + 1;
    while (i < this.text.length) {
      const c = this.text[i] as string;
      if (c === quote) {
        this.pos = i + 1;
        return out;
      }
      if (c === "\\") {
        const [s, used] = unescape(this.text, i + 1);
        out += s;
        i += 1 + used;
        continue;
      }
      out += c;
      i++;
    }
    throw this.fail(`unterminated string starting at position ${this.pos + 1}`);
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) {
      const got = this.text[this.pos];
      throw this.fail(`expected "${c}" but found ${JSON.stringify(got)} at position ${this.pos + 1}`);
    }
    this.pos++;
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  private fail(problem: string, field?: string): QuireError {
    return specError(this.text, problem, field);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

/** One backslash escape at `at` (just after the backslash): the text it stands for and how many characters it used. */
function unescape(text: string, at: number): [string, number] {
  const c = text[at];
  if (c === undefined) return ["\\", 0];
  if (Object.hasOwn(SIMPLE_ESCAPES, c)) return [SIMPLE_ESCAPES[c] as string, 1];
  const hexLength = c === "x" ? 2 : c === "u" ? 4 : 0;
  if (hexLength > 0) {
    const hex = text.slice(at + 1, at + 1 + hexLength);
    if (hex.length === hexLength && /^[0-9a-fA-F]+$/.test(hex)) {
      return [String.fromCharCode(parseInt(hex, 16)), 1 + hexLength];
    }
  }
  // Python keeps an unknown escape as written; so do we.
  return [`\\${c}`, 1];
}
