/** Jinja2's tests (`is defined`, `is divisibleby 3`, `is sameas`, `is in`…) and globals (`range`, `dict`,
 *  `namespace`, `cycler`, `joiner`), with Python's meaning. */
import { keywordArgs } from "../callable.js";
import { Namespace, isDict, isSafe, pyEq, pyIn, pyStr, truthy } from "./python.js";

type Test = (value: unknown, ...args: any[]) => boolean;

const isNumber = (v: unknown) => typeof v === "number";
const isString = (v: unknown) => typeof v === "string" || isSafe(v);
const isIterable = (v: unknown) =>
  typeof v === "string" ||
  isSafe(v) ||
  Array.isArray(v) ||
  isDict(v) ||
  (v !== null && typeof v === "object" && Symbol.iterator in v);

/** Every test Quire adds to or replaces in Nunjucks. */
export function jinjaTests(): Record<string, Test> {
  return {
    boolean: (v) => typeof v === "boolean",
    callable: (v) =>
      typeof v === "function" ||
      (v !== null && typeof v === "object" && typeof (v as { invoke?: unknown }).invoke === "function"),
    defined: (v) => v !== undefined,
    undefined: (v) => v === undefined,
    divisibleby: (v, n) => Number(v) % Number(n) === 0,
    eq: (v, o) => pyEq(v, o),
    equalto: (v, o) => pyEq(v, o),
    "==": (v, o) => pyEq(v, o),
    ne: (v, o) => !pyEq(v, o),
    "!=": (v, o) => !pyEq(v, o),
    escaped: (v) => isSafe(v),
    even: (v) => Number(v) % 2 === 0,
    odd: (v) => Math.abs(Number(v) % 2) === 1,
    false: (v) => v === false,
    true: (v) => v === true,
    float: (v) => typeof v === "number" && !Number.isInteger(v),
    integer: (v) => typeof v === "number" && Number.isInteger(v),
    ge: (v, o) => (v as number) >= (o as number),
    ">=": (v, o) => (v as number) >= (o as number),
    gt: (v, o) => (v as number) > (o as number),
    ">": (v, o) => (v as number) > (o as number),
    greaterthan: (v, o) => (v as number) > (o as number),
    le: (v, o) => (v as number) <= (o as number),
    "<=": (v, o) => (v as number) <= (o as number),
    lt: (v, o) => (v as number) < (o as number),
    "<": (v, o) => (v as number) < (o as number),
    lessthan: (v, o) => (v as number) < (o as number),
    in: (v, seq) => pyIn(v, seq),
    iterable: isIterable,
    sequence: (v) => isString(v) || Array.isArray(v) || isDict(v),
    mapping: (v) => isDict(v) || v instanceof Map,
    none: (v) => v === null,
    number: isNumber,
    string: isString,
    lower: (v) => isString(v) && pyStr(v) === pyStr(v).toLowerCase(),
    upper: (v) => isString(v) && pyStr(v) === pyStr(v).toUpperCase(),
    sameas: (v, o) => v === o,
    truthy: (v) => truthy(v),
    falsy: (v) => !truthy(v),
  };
}

/** `cycler('a', 'b')`: `.next()` walks the values round and round; `.current` is the one `next()` returns next. */
class Cycler {
  private pos = 0;
  constructor(private readonly items: unknown[]) {}
  get current(): unknown {
    return this.items[this.pos];
  }
  next(): unknown {
    const v = this.items[this.pos];
    this.pos = (this.pos + 1) % this.items.length;
    return v;
  }
  reset(): void {
    this.pos = 0;
  }
}

/** Jinja's global functions. */
export function jinjaGlobals(): Record<string, unknown> {
  return {
    range(...args: unknown[]) {
      const n = args.map(Number);
      const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
      if (step === 0) throw new Error("range() arg 3 must not be zero");
      const out: number[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
        out.push(i);
        if (out.length > 100_000) throw new Error("range too big (more than 100000 items)");
      }
      return out;
    },
    dict(...args: unknown[]) {
      const kw = keywordArgs(args);
      const pos = (kw._positional as unknown[] | undefined) ?? [];
      delete kw._positional;
      const out: Record<string, unknown> = {};
      for (const p of pos)
        if (p && typeof p === "object") Object.assign(out, Array.isArray(p) ? Object.fromEntries(p) : p);
      return Object.assign(out, kw);
    },
    namespace(...args: unknown[]) {
      const ns = new Namespace();
      const kw = keywordArgs(args);
      for (const p of (kw._positional as unknown[] | undefined) ?? [])
        if (p && typeof p === "object") Object.assign(ns, p);
      delete kw._positional;
      return Object.assign(ns, kw);
    },
    cycler: (...items: unknown[]) => new Cycler(items),
    joiner(sep: unknown = ", ") {
      let used = false;
      return () => {
        if (used) return sep;
        used = true;
        return "";
      };
    },
  };
}
