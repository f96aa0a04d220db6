/** Python's view of template values, as Jinja2 has it: truthiness, `str()`, `repr()`, equality, `%` and `str.format`. */
import nunjucks from "@11ty/nunjucks";

// The symbol by which an object reads any other name as an attribute (see callable.ts).
const ATTRIBUTES = Symbol.for("quire.attributes");

/** Nunjucks' SafeString (Jinja's Markup): HTML that prints unescaped. */
export const SafeString = nunjucks.runtime.SafeString as unknown as {
  new (html: string): { val: string; length: number };
  prototype: object;
};
export type Safe = { val: string; length: number };

export function isSafe(v: unknown): v is Safe {
  return v instanceof SafeString;
}

/** A `namespace()` object: the one value `{% set ns.attr = … %}` may write to. */
export class Namespace {
  [key: string]: unknown;
}

/** Plain data objects (dict literals, parsed JSON) as opposed to class instances with their own behaviour. */
export function isDict(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null || v instanceof Namespace;
}

/** Python's `bool()`: empty strings, lists, dicts and Markup are false, as are 0, None and undefined. */
export function truthy(v: unknown): boolean {
  if (!v) return false;
  if (typeof v !== "object") return true;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof SafeString) return (v as Safe).val.length > 0;
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  if (isDict(v)) {
    for (const k in v) if (k !== "__keywords") return true;
    return false;
  }
  const bool = (v as { __bool__?: () => unknown }).__bool__;
  return typeof bool === "function" ? Boolean(bool.call(v)) : true;
}

/** A number as Python prints it (ints without a point; inf and nan spelled Python's way). */
export function numberStr(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  const s = String(n);
  return s.includes("e") ? s.replace(/e([+-])(\d)$/, "e$10$2") : s;
}

/** Python's `str()` of a template value: what `{{ value }}` prints before escaping. */
export function pyStr(v: unknown): string {
  switch (typeof v) {
    case "string":
      return v;
    case "undefined":
      return "";
    case "boolean":
      return v ? "True" : "False";
    case "number":
      return numberStr(v);
    case "object":
      if (v === null) return "None";
      if (v instanceof SafeString) return (v as Safe).val;
      if (Array.isArray(v) || isDict(v)) return pyRepr(v);
      if (v instanceof Map) return pyRepr(Object.fromEntries(v));
      if (v instanceof Set) return pyRepr([...v]);
      return String(v);
    default:
      return String(v);
  }
}

function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return quote + out + quote;
}

/** Python's `repr()`: how a value prints inside a printed list or dict. */
export function pyRepr(v: unknown): string {
  if (typeof v === "string") return strRepr(v);
  if (v instanceof SafeString) return `Markup(${strRepr((v as Safe).val)})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (isDict(v)) {
    const parts: string[] = [];
    for (const [k, val] of Object.entries(v))
      if (k !== "__keywords") parts.push(`${pyRepr(k)}: ${pyRepr(val)}`);
    return v instanceof Namespace ? `<Namespace {${parts.join(", ")}}>` : `{${parts.join(", ")}}`;
  }
  return pyStr(v);
}

function primitive(v: unknown): unknown {
  if (v instanceof SafeString) return (v as Safe).val;
  if (v !== null && typeof v === "object" && !Array.isArray(v) && !isDict(v)) {
    const p = (v as { valueOf(): unknown }).valueOf();
    if (p !== v) return p;
  }
  return v;
}

/** Python's `==`: by value for lists, dicts, Markup and objects with a primitive value (dates); `1 == '1'` is false. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a).filter((k) => k !== "__keywords");
    const kb = Object.keys(b).filter((k) => k !== "__keywords");
    return ka.length === kb.length && ka.every((k) => k in b && pyEq(a[k], b[k]));
  }
  const pa = primitive(a);
  const pb = primitive(b);
  if (pa === a && pb === b) return false;
  if (typeof pa === "boolean" || typeof pb === "boolean") return Number(pa) === Number(pb);
  return pa === pb;
}

/** Python's `x in y` for strings, lists, dicts, sets and Markup. */
export function pyIn(needle: unknown, haystack: unknown): boolean {
  if (typeof haystack === "string" || haystack instanceof SafeString)
    return pyStr(haystack).includes(pyStr(needle));
  if (Array.isArray(haystack)) return haystack.some((x) => pyEq(x, needle));
  if (haystack instanceof Map || haystack instanceof Set) return haystack.has(needle);
  if (haystack !== null && typeof haystack === "object") {
    if (typeof needle !== "string" && typeof needle !== "number") return false;
    if (String(needle) in haystack) return true;
    // Objects whose headers read as attributes (`'author' in entry`) answer for those too.
    const attributes = (haystack as Record<symbol, unknown>)[ATTRIBUTES];
    return typeof attributes === "function" && attributes.call(haystack, String(needle)) !== undefined;
  }
  throw new Error(`argument of type '${typeName(haystack)}' is not iterable`);
}

/** The Python type name of a value, for error messages. */
export function typeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (v === undefined) return "Undefined";
  if (Array.isArray(v)) return "list";
  if (typeof v === "string") return "str";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (isDict(v)) return "dict";
  return (v as object).constructor?.name ?? "object";
}

/** One `%`-style or `{:spec}` conversion applied to a value. */
function convert(value: unknown, type: string, flags: string, width: string, precision: string): string {
  let s: string;
  const num = () => {
    const n =
      typeof value === "number" ? value : typeof value === "boolean" ? Number(value) : Number(pyStr(value));
    if (Number.isNaN(n) && typeof value !== "number")
      throw new Error(`%${type} format: a real number is required, not ${typeName(value)}`);
    return n;
  };
  switch (type) {
    case "s":
    case "":
      s = pyStr(value);
      if (precision !== "") s = s.slice(0, Number(precision));
      break;
    case "r":
    case "a":
      s = pyRepr(value);
      break;
    case "d":
    case "i":
    case "u":
      s = String(Math.trunc(num()));
      break;
    case "f":
    case "F":
      s = num().toFixed(precision === "" ? 6 : Number(precision));
      break;
    case "e":
    case "E": {
      s = num()
        .toExponential(precision === "" ? 6 : Number(precision))
        .replace(/e([+-])(\d)$/, "e$10$2");
      if (type === "E") s = s.toUpperCase();
      break;
    }
    case "g":
    case "G":
      s = numberStr(Number(num().toPrecision(precision === "" ? 6 : Number(precision) || 1)));
      break;
    case "x":
    case "X":
      s = Math.trunc(num()).toString(16);
      if (type === "X") s = s.toUpperCase();
      break;
    case "o":
      s = Math.trunc(num()).toString(8);
      break;
    case "b":
      s = Math.trunc(num()).toString(2);
      break;
    case "c":
      s = typeof value === "number" ? String.fromCodePoint(value) : pyStr(value);
      break;
    case "%":
      s = `${(num() * 100).toFixed(precision === "" ? 6 : Number(precision))}%`;
      break;
    default:
      throw new Error(`unsupported format character '${type}'`);
  }
  if (flags.includes("+") && /^[0-9]/.test(s) && "dfieEgGF".includes(type)) s = `+${s}`;
  else if (flags.includes(" ") && /^[0-9]/.test(s) && "dfieEgGF".includes(type)) s = ` ${s}`;
  const w = Number(width || 0);
  if (s.length < w) {
    if (flags.includes("-") || flags.includes("<")) s = s.padEnd(w);
    else if (flags.includes("^")) {
      const left = Math.floor((w - s.length) / 2);
      s = " ".repeat(left) + s + " ".repeat(w - s.length - left);
    } else if (flags.includes("0") && /^[-+]?[0-9]/.test(s)) {
      const sign = /^[-+]/.test(s) ? s[0]! : "";
      s = sign + s.slice(sign.length).padStart(w - sign.length, "0");
    } else s = s.padStart(w);
  }
  return s;
}

/** Python's `format % args` (`'%s-%d' % ('a', 3)`, `'%(name)s' % {'name': 1}`). */
export function percentFormat(format: string, args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  let i = 0;
  const out = format.replace(
    /%(?:\(([^)]*)\))?([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?([diouxXeEfFgGcrsa%])/g,
    (
      _m,
      key: string | undefined,
      flags: string,
      width: string | undefined,
      precision: string | undefined,
      type: string,
    ) => {
      if (type === "%") return "%";
      if (width === "*") width = String(list[i++]);
      if (precision === "*") precision = String(list[i++]);
      let value: unknown;
      if (key !== undefined) value = (args as Record<string, unknown>)?.[key];
      else {
        if (i >= list.length) throw new Error("not enough arguments for format string");
        value = list[i++];
      }
      return convert(value, type, flags, width ?? "", precision ?? "");
    },
  );
  if (!Array.isArray(args) || i < list.length) {
    if (Array.isArray(args) && i < list.length)
      throw new Error("not all arguments converted during string formatting");
  }
  return out;
}

/** Python's `str.format(*args, **kwargs)` with `{}`, `{0}`, `{name}`, `{x.attr}` and a format spec. */
export function strFormat(format: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let auto = 0;
  return format.replace(
    /\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g,
    (m, field: string | undefined, conv, spec) => {
      if (m === "{{") return "{";
      if (m === "}}") return "}";
      const [head, ...path] = (field ?? "").split(".");
      let value: unknown =
        head === "" ? args[auto++] : /^\d+$/.test(head!) ? args[Number(head)] : kwargs[head!];
      for (const p of path) value = (value as Record<string, unknown> | null)?.[p];
      if (conv === "r") value = pyRepr(value);
      if (!spec) return pyStr(value);
      const sm = /^(?:(.)?([<>^=]))?([-+ ])?(#)?(0)?(\d+)?(,)?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
      if (!sm) throw new Error(`invalid format specifier '${spec}'`);
      const [, fill, align, sign, , zero, width, comma, precision, type] = sm;
      let s = convert(
        value,
        type ?? (typeof value === "number" ? (Number.isInteger(value) ? "d" : "g") : "s"),
        sign ?? "",
        "",
        precision ?? "",
      );
      if (comma) s = s.replace(/^(-?\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
      const w = Number(width ?? 0);
      if (s.length < w) {
        const f = fill ?? (zero ? "0" : " ");
        const a = align ?? (zero ? "=" : typeof value === "number" ? ">" : "<");
        const pad = w - s.length;
        if (a === "<") s = s + f.repeat(pad);
        else if (a === ">") s = f.repeat(pad) + s;
        else if (a === "^") s = f.repeat(Math.floor(pad / 2)) + s + f.repeat(pad - Math.floor(pad / 2));
        else {
          const signCh = /^[-+ ]/.test(s) ? s[0]! : "";
          s = signCh + f.repeat(pad) + s.slice(signCh.length);
        }
      }
      return s;
    },
  );
}
