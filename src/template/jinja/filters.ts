/** Jinja2's built-in filters with Python's signatures (keyword arguments included) and Publ's `strip_html` and
 *  `first_paragraph`; where Nunjucks has a filter of the same name with other behaviour, Jinja's wins. */
import nunjucks from "@11ty/nunjucks";
import { keywordArgs } from "../callable.js";
import {
  SafeString,
  isDict,
  isSafe,
  percentFormat,
  pyEq,
  pyRepr,
  pyStr,
  truthy,
  type Safe,
} from "./python.js";
import { pyIter } from "./helpers.js";
import { titleCase } from "./methods.js";
import { firstParagraph, stripHtml } from "./html-text.js";
import { fileSize, pyJson, toInt, wordwrap } from "./conversions.js";

const escape = (nunjucks as unknown as { lib: { escape(s: string): string } }).lib.escape;
type Filter = (...args: any[]) => unknown;
type Env = { getFilter(name: string): Filter; getTest(name: string): Filter };

/** Python-style argument binding: positional arguments, then keywords by name, then defaults. */
function bind(names: string[], defaults: unknown[], args: unknown[]): unknown[] {
  const kw = keywordArgs(args);
  const pos = (kw._positional as unknown[] | undefined) ?? [];
  delete kw._positional;
  const out = names.map((n, i) => (i < pos.length ? pos[i] : n in kw ? kw[n] : defaults[i]));
  for (const k of Object.keys(kw))
    if (!names.includes(k)) throw new Error(`filter got an unexpected keyword argument '${k}'`);
  if (pos.length > names.length) throw new Error(`filter takes at most ${names.length} arguments`);
  return out;
}

/** A filter given its Python parameters (after the value) and defaults. */
function py(names: string[], defaults: unknown[], fn: (value: any, ...args: any[]) => unknown): Filter {
  return (value: unknown, ...args: unknown[]) => fn(value, ...bind(names, defaults, args));
}

/** `a.b.c` or `0` attribute paths, as Jinja's `attribute=` takes them. */
function getter(attribute: unknown, def?: unknown): (v: unknown) => unknown {
  if (attribute === undefined || attribute === null) return (v) => v;
  const parts = String(attribute).split(".");
  return (v) => {
    let x: any = v;
    for (const p of parts) {
      if (x === undefined || x === null) break;
      x = /^\d+$/.test(p) && Array.isArray(x) ? x[Number(p)] : x[p];
      if (typeof x === "function" && !(Symbol.for("quire.callable") in x)) x = undefined;
    }
    return x === undefined ? def : x;
  };
}

function sortKey(v: unknown, caseSensitive: boolean): unknown {
  if (isSafe(v)) v = (v as Safe).val;
  if (typeof v === "string") return caseSensitive ? v : v.toLowerCase();
  if (v !== null && typeof v === "object" && !Array.isArray(v))
    return (v as { valueOf(): unknown }).valueOf();
  return v;
}

function compare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compare(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  }
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function keyed(attribute: unknown, caseSensitive: boolean): (v: unknown) => unknown {
  const attrs =
    attribute === null || attribute === undefined
      ? [null]
      : String(attribute)
          .split(",")
          .map((s) => s.trim());
  const getters = attrs.map((a) => getter(a));
  return attrs.length === 1
    ? (v) => sortKey(getters[0]!(v), caseSensitive)
    : (v) => getters.map((g) => sortKey(g(v), caseSensitive));
}

function joinSafe(items: unknown[], sep: unknown): unknown {
  if (items.some(isSafe) || isSafe(sep)) {
    const part = (v: unknown) => (isSafe(v) ? (v as Safe).val : escape(pyStr(v)));
    return new SafeString(items.map(part).join(part(sep ?? "")));
  }
  return items.map(pyStr).join(pyStr(sep ?? ""));
}

function mapFilter(env: Env, seq: unknown, args: unknown[]): unknown[] {
  const items = pyIter(seq, 1);
  const kw = keywordArgs(args);
  const pos = (kw._positional as unknown[] | undefined) ?? [];
  if ("attribute" in kw) return items.map(getter(kw.attribute, kw.default));
  const [name, ...rest] = pos;
  const filter = env.getFilter(String(name));
  const restKw = Object.fromEntries(Object.entries(kw).filter(([k]) => k !== "_positional"));
  const tail = Object.keys(restKw).length ? [...rest, { ...restKw, __keywords: true }] : rest;
  return items.map((v) => filter(v, ...tail));
}

function selectFilter(env: Env, seq: unknown, args: unknown[], attr: boolean, keep: boolean): unknown[] {
  const items = pyIter(seq, 1);
  const [first, testName, ...rest] = attr ? args : [undefined, ...args];
  const get = attr ? getter(first) : (v: unknown) => v;
  const test =
    testName === undefined ? truthy : (v: unknown) => env.getTest(String(testName))(v, ...rest) === true;
  return items.filter((v) => test(get(v)) === keep);
}

/** Every filter Quire adds to or replaces in Nunjucks, keyed by name; `env` resolves filter and test names. */
export function jinjaFilters(env: Env): Record<string, Filter> {
  const length = (v: unknown) =>
    v === undefined || v === null
      ? 0
      : isDict(v)
        ? Object.keys(v).length
        : v instanceof Map || v instanceof Set
          ? v.size
          : ((v as { length?: number }).length ?? 0);
  return {
    attr: (obj: any, name: unknown) => (obj === undefined || obj === null ? undefined : obj[String(name)]),
    count: length,
    length,
    default: py(["default_value", "boolean"], ["", false], (v, def, boolean) =>
      v === undefined || (truthy(boolean) && !truthy(v)) ? def : v,
    ),
    d: py(["default_value", "boolean"], ["", false], (v, def, boolean) =>
      v === undefined || (truthy(boolean) && !truthy(v)) ? def : v,
    ),
    dictsort: py(["case_sensitive", "by", "reverse"], [false, "key", false], (v, cs, by, reverse) => {
      const pos = by === "value" ? 1 : 0;
      // Python's sorted(reverse=True) keeps equal items in their order: flip the comparison, not the result.
      const dir = truthy(reverse) ? -1 : 1;
      return Object.entries(v ?? {}).sort((a, b) => dir * compare(sortKey(a[pos], cs), sortKey(b[pos], cs)));
    }),
    filesizeformat: py(["binary"], [false], (v, binary) => fileSize(v, truthy(binary))),
    first: (v: unknown) => pyIter(v, 1)[0],
    last: (v: unknown) => {
      const items = pyIter(v, 1);
      return items[items.length - 1];
    },
    format: (v: unknown, ...args: unknown[]) => {
      const kw = keywordArgs(args);
      const pos = (kw._positional as unknown[] | undefined) ?? [];
      delete kw._positional;
      return percentFormat(pyStr(v), Object.keys(kw).length ? kw : pos);
    },
    int: py(["default", "base"], [0, 10], (v, def, base) => toInt(v, def, Number(base))),
    float: py(["default"], [0], (v, def) => {
      if (typeof v === "number") return v;
      if (typeof v === "boolean") return Number(v);
      const s = pyStr(v).trim().replace(/_/g, "");
      return /^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?|inf(inity)?|nan)$/i.test(s)
        ? Number(s.replace(/^([-+]?)inf(inity)?$/i, "$1Infinity"))
        : def;
    }),
    items: (v: unknown) =>
      v === undefined || v === null ? [] : v instanceof Map ? [...v.entries()] : Object.entries(v as object),
    join: py(["d", "attribute"], ["", null], (v, d, attribute) =>
      joinSafe(pyIter(v, 1).map(getter(attribute)), d),
    ),
    list: (v: unknown) => [...pyIter(v, 1)],
    map: (v: unknown, ...args: unknown[]) => mapFilter(env, v, args),
    max: py(["case_sensitive", "attribute"], [false, null], (v, cs, attribute) => {
      const key = keyed(attribute, truthy(cs));
      return pyIter(v, 1).reduce<unknown>(
        (best, x) => (best === undefined || compare(key(x), key(best)) > 0 ? x : best),
        undefined,
      );
    }),
    min: py(["case_sensitive", "attribute"], [false, null], (v, cs, attribute) => {
      const key = keyed(attribute, truthy(cs));
      return pyIter(v, 1).reduce<unknown>(
        (best, x) => (best === undefined || compare(key(x), key(best)) < 0 ? x : best),
        undefined,
      );
    }),
    pprint: (v: unknown) => pyRepr(v),
    reject: (v: unknown, ...args: unknown[]) => selectFilter(env, v, args, false, false),
    rejectattr: (v: unknown, ...args: unknown[]) => selectFilter(env, v, args, true, false),
    select: (v: unknown, ...args: unknown[]) => selectFilter(env, v, args, false, true),
    selectattr: (v: unknown, ...args: unknown[]) => selectFilter(env, v, args, true, true),
    reverse: (v: unknown) =>
      typeof v === "string"
        ? [...v].reverse().join("")
        : isSafe(v)
          ? new SafeString([...(v as Safe).val].reverse().join(""))
          : [...pyIter(v, 1)].reverse(),
    sort: py(
      ["reverse", "case_sensitive", "attribute"],
      [false, false, null],
      (v, reverse, cs, attribute) => {
        const key = keyed(attribute, truthy(cs));
        const dir = truthy(reverse) ? -1 : 1;
        return [...pyIter(v, 1)].sort((a, b) => dir * compare(key(a), key(b)));
      },
    ),
    string: (v: unknown) => (isSafe(v) ? v : pyStr(v)),
    strip_html: (v: unknown, ...args: unknown[]) =>
      stripHtml(
        pyStr(v),
        ...bind(["allowed_tags", "allowed_attrs", "remove_elements"], [null, null, null], args),
      ),
    first_paragraph: (v: unknown) => firstParagraph(pyStr(v)),
    sum: py(["attribute", "start"], [null, 0], (v, attribute, start) =>
      pyIter(v, 1)
        .map(getter(attribute))
        .reduce((a: any, b: any) => a + b, start),
    ),
    title: (v: unknown) => (isSafe(v) ? new SafeString(titleCase((v as Safe).val)) : titleCase(pyStr(v))),
    tojson: py(
      ["indent"],
      [null],
      (v, indent) =>
        new SafeString(
          pyJson(v, indent === null || indent === undefined ? null : Number(indent))
            .replace(/</g, "\\u003c")
            .replace(/>/g, "\\u003e")
            .replace(/&/g, "\\u0026")
            .replace(/'/g, "\\u0027"),
        ),
    ),
    truncate: py(
      ["length", "killwords", "end", "leeway"],
      [255, false, "...", 5],
      (v, len, killwords, end, leeway) => {
        const s = pyStr(v);
        if (s.length <= len + leeway) return s;
        if (truthy(killwords)) return s.slice(0, len - end.length) + end;
        const cut = s.slice(0, len - end.length);
        const i = cut.lastIndexOf(" ");
        return (i < 0 ? cut : cut.slice(0, i)) + end;
      },
    ),
    unique: py(["case_sensitive", "attribute"], [false, null], (v, cs, attribute) => {
      const key = keyed(attribute, truthy(cs));
      const seen: unknown[] = [];
      const out: unknown[] = [];
      for (const x of pyIter(v, 1)) {
        const k = key(x);
        if (!seen.some((s) => pyEq(s, k))) {
          seen.push(k);
          out.push(x);
        }
      }
      return out;
    }),
    urlencode: (v: unknown) => {
      const q = (s: unknown) => encodeURIComponent(pyStr(s)).replace(/%2F/g, "/");
      if (isDict(v))
        return Object.entries(v)
          .map(([k, x]) => `${q(k)}=${q(x)}`)
          .join("&");
      return q(v);
    },
    wordwrap: py(
      ["width", "break_long_words", "wrapstring", "break_on_hyphens"],
      [79, true, null, true],
      (v, width, breakLong, wrap) =>
        wordwrap(pyStr(v), Number(width), truthy(breakLong), wrap === null ? "\n" : pyStr(wrap)),
    ),
    xmlattr: py(["autospace"], [true], (v, autospace) => {
      const parts: string[] = [];
      for (const [k, x] of Object.entries(v ?? {})) {
        if (x === null || x === undefined || k === "__keywords") continue;
        if (/[\s/>=]/.test(k)) throw new Error(`Invalid character in attribute name: '${k}'`);
        parts.push(`${escape(k)}="${isSafe(x) ? (x as Safe).val : escape(pyStr(x))}"`);
      }
      const s = parts.join(" ");
      return new SafeString(s && truthy(autospace) ? ` ${s}` : s);
    }),
  };
}
