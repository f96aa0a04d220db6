/** Python's methods on strings, lists and dicts (`'a b'.split()`, `d.items()`, `', '.join(x)`) and Python indexing and slices. */
import { keywordArgs } from "../callable.js";
import { SafeString, isDict, isSafe, pyEq, pyStr, strFormat, type Safe } from "./python.js";

export type Method = (self: any, ...args: any[]) => unknown;

function positional(args: unknown[]): { pos: unknown[]; kw: Record<string, unknown> } {
  const kw = keywordArgs(args);
  const pos = (kw._positional as unknown[] | undefined) ?? [];
  delete kw._positional;
  return { pos, kw };
}

function whitespaceSplit(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = s.replace(/^\s+/, "");
  while (rest !== "") {
    if (max >= 0 && out.length === max) {
      out.push(rest);
      break;
    }
    const m = /\s+/.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    out.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

function split(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
  if (sep === undefined || sep === null) return whitespaceSplit(s, max);
  const parts = s.split(String(sep));
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(String(sep))];
}

function stripChars(chars: unknown): string {
  return chars === undefined || chars === null ? " \t\n\r\f\v" : String(chars);
}

function lstrip(s: string, chars: unknown): string {
  const set = stripChars(chars);
  let i = 0;
  while (i < s.length && set.includes(s[i]!)) i++;
  return s.slice(i);
}

function rstrip(s: string, chars: unknown): string {
  const set = stripChars(chars);
  let i = s.length;
  while (i > 0 && set.includes(s[i - 1]!)) i--;
  return s.slice(0, i);
}

function anyOf(prefix: unknown, test: (p: string) => boolean): boolean {
  return Array.isArray(prefix) ? prefix.some((p) => test(String(p))) : test(String(prefix));
}

/** Python's `str.title()`: the first letter of every run of letters upper-cased, the rest lower-cased. */
export function titleCase(s: string): string {
  return s
    .toLowerCase()
    .replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());
}

const STR: Record<string, Method> = {
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  casefold: (s: string) => s.toLowerCase(),
  center: (s: string, w: number, fill = " ") => {
    const pad = Math.max(0, w - s.length);
    const left = Math.floor(pad / 2) + (pad % 2 && w % 2 ? 1 : 0);
    return fill.repeat(left) + s + fill.repeat(pad - left);
  },
  count: (s: string, sub: string) => (sub === "" ? s.length + 1 : s.split(sub).length - 1),
  endswith: (s: string, suffix: unknown) => anyOf(suffix, (p) => s.endsWith(p)),
  find: (s: string, sub: string, start?: number) => s.indexOf(sub, start ?? 0),
  format: (s: string, ...args: unknown[]) => {
    const { pos, kw } = positional(args);
    return strFormat(s, pos, kw);
  },
  index: (s: string, sub: string) => {
    const i = s.indexOf(sub);
    if (i < 0) throw new Error("substring not found");
    return i;
  },
  isalnum: (s: string) => /^[\p{L}\p{N}]+$/u.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isdigit: (s: string) => /^\p{Nd}+$/u.test(s),
  isnumeric: (s: string) => /^\p{N}+$/u.test(s),
  islower: (s: string) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s: string) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  isspace: (s: string) => /^\s+$/.test(s),
  join: (s: string, items: unknown) => Array.from((items ?? []) as Iterable<unknown>, pyStr).join(s),
  ljust: (s: string, w: number, fill = " ") => s.padEnd(w, fill),
  lower: (s: string) => s.toLowerCase(),
  lstrip: (s: string, chars?: string) => lstrip(s, chars),
  partition: (s: string, sep: string) => {
    const i = s.indexOf(sep);
    return i < 0 ? [s, "", ""] : [s.slice(0, i), sep, s.slice(i + sep.length)];
  },
  removeprefix: (s: string, p: string) => (s.startsWith(p) ? s.slice(p.length) : s),
  removesuffix: (s: string, p: string) => (p && s.endsWith(p) ? s.slice(0, -p.length) : s),
  replace: (s: string, a: string, b: string, count?: number) => {
    if (count === undefined || count < 0) return s.split(String(a)).join(pyStr(b));
    const parts = s.split(String(a));
    return (
      parts.slice(0, count + 1).join(pyStr(b)) +
      (parts.length > count + 1 ? String(a) + parts.slice(count + 1).join(String(a)) : "")
    );
  },
  rfind: (s: string, sub: string) => s.lastIndexOf(sub),
  rjust: (s: string, w: number, fill = " ") => s.padStart(w, fill),
  rpartition: (s: string, sep: string) => {
    const i = s.lastIndexOf(sep);
    return i < 0 ? ["", "", s] : [s.slice(0, i), sep, s.slice(i + sep.length)];
  },
  rsplit: (s: string, sep?: string, maxsplit?: number) => {
    if (maxsplit === undefined || maxsplit < 0) return split(s, sep, -1);
    const rev = (x: string) => [...x].reverse().join("");
    return split(rev(s), sep === undefined || sep === null ? sep : rev(sep), maxsplit)
      .map(rev)
      .reverse();
  },
  rstrip: (s: string, chars?: string) => rstrip(s, chars),
  split: (s: string, sep?: string, maxsplit?: number) => split(s, sep, maxsplit),
  splitlines: (s: string) => s.split(/\r\n|\r|\n/).filter((x, i, a) => i < a.length - 1 || x !== ""),
  startswith: (s: string, prefix: unknown) => anyOf(prefix, (p) => s.startsWith(p)),
  strip: (s: string, chars?: string) => lstrip(rstrip(s, chars), chars),
  swapcase: (s: string) =>
    [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""),
  title: (s: string) => titleCase(s),
  upper: (s: string) => s.toUpperCase(),
  zfill: (s: string, w: number) => {
    const sign = /^[-+]/.test(s) ? s[0]! : "";
    return sign + s.slice(sign.length).padStart(w - sign.length, "0");
  },
};

const LIST: Record<string, Method> = {
  append: (l: unknown[], x: unknown) => void l.push(x),
  count: (l: unknown[], x: unknown) => l.filter((y) => pyEq(x, y)).length,
  extend: (l: unknown[], xs: Iterable<unknown>) => void l.push(...xs),
  index: (l: unknown[], x: unknown) => {
    const i = l.findIndex((y) => pyEq(x, y));
    if (i < 0) throw new Error(`${pyStr(x)} is not in list`);
    return i;
  },
  insert: (l: unknown[], i: number, x: unknown) => void l.splice(i, 0, x),
  pop: (l: unknown[], i?: number) => {
    if (l.length === 0) throw new Error("pop from empty list");
    return i === undefined ? l.pop() : l.splice(i < 0 ? l.length + i : i, 1)[0];
  },
  remove: (l: unknown[], x: unknown) => {
    const i = l.findIndex((y) => pyEq(x, y));
    if (i < 0) throw new Error("list.remove(x): x not in list");
    l.splice(i, 1);
  },
  copy: (l: unknown[]) => [...l],
};

const DICT: Record<string, Method> = {
  copy: (d: Record<string, unknown>) => ({ ...d }),
  get: (d: Record<string, unknown>, k: string, def: unknown = null) => (Object.hasOwn(d, k) ? d[k] : def),
  items: (d: Record<string, unknown>) => Object.entries(d).filter(([k]) => k !== "__keywords"),
  keys: (d: Record<string, unknown>) => Object.keys(d).filter((k) => k !== "__keywords"),
  values: (d: Record<string, unknown>) =>
    Object.entries(d)
      .filter(([k]) => k !== "__keywords")
      .map(([, v]) => v),
  pop: (d: Record<string, unknown>, k: string, ...def: unknown[]) => {
    if (!Object.hasOwn(d, k)) {
      if (def.length) return def[0];
      throw new Error(`KeyError: ${k}`);
    }
    const v = d[k];
    delete d[k];
    return v;
  },
  setdefault: (d: Record<string, unknown>, k: string, def: unknown = null) =>
    Object.hasOwn(d, k) ? d[k] : (d[k] = def),
  update: (d: Record<string, unknown>, ...args: unknown[]) => {
    const { pos, kw } = positional(args);
    for (const o of pos) if (o && typeof o === "object") Object.assign(d, o);
    Object.assign(d, kw);
  },
};

function bound(fn: Method, self: unknown, wrapSafe: boolean): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const r = fn(self, ...args);
    return wrapSafe && typeof r === "string" ? new SafeString(r) : r;
  };
}

/** The Python method `name` of a string, list or dict value, or undefined if it has none. */
export function pythonMethod(obj: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  const fn = pythonMethodOf(obj, name);
  if (!fn) return undefined;
  return isSafe(obj) ? bound(fn, (obj as Safe).val, true) : bound(fn, obj, false);
}

/**
 * The unbound Python method `name` of a value (its first argument is the value; a Markup value's is its text,
 * and a string it returns is Markup again): a call `s.split(…)` runs it without making a bound copy first.
 */
export function pythonMethodOf(obj: unknown, name: string): Method | undefined {
  if (typeof obj === "string" || isSafe(obj)) return Object.hasOwn(STR, name) ? STR[name] : undefined;
  if (Array.isArray(obj)) return Object.hasOwn(LIST, name) ? LIST[name] : undefined;
  if (isDict(obj) && Object.hasOwn(DICT, name) && !Object.hasOwn(obj, name)) return DICT[name];
  return undefined;
}

/** Python's `seq[start:stop:step]` on a list or string (a Markup slice stays Markup). */
export function pySlice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const safe = isSafe(obj);
  const seq: ArrayLike<unknown> = safe
    ? (obj as Safe).val
    : typeof obj === "string" || Array.isArray(obj)
      ? obj
      : [];
  const n = seq.length;
  const st = step === null || step === undefined ? 1 : Number(step);
  if (st === 0) throw new Error("slice step cannot be zero");
  const norm = (v: unknown, def: number, lo: number, hi: number) => {
    if (v === null || v === undefined) return def;
    let i = Number(v);
    if (i < 0) i += n;
    return Math.min(Math.max(i, lo), hi);
  };
  const out: unknown[] = [];
  if (st > 0) {
    for (let i = norm(start, 0, 0, n), e = norm(stop, n, 0, n); i < e; i += st) out.push(seq[i]);
  } else {
    for (let i = norm(start, n - 1, -1, n - 1), e = norm(stop, -1, -1, n - 1); i > e; i += st)
      out.push(seq[i]);
  }
  if (typeof obj === "string") return out.join("");
  if (safe) return new SafeString(out.join(""));
  return out;
}

/** `seq[-1]` counts from the end, as in Python. */
export function negativeIndex(obj: unknown, key: number): unknown {
  if (typeof obj === "string" || Array.isArray(obj)) return obj[obj.length + key];
  if (isSafe(obj)) return (obj as Safe).val[(obj as Safe).val.length + key];
  return (obj as Record<string, unknown>)[key];
}
