/** The run-time half of Jinja2 semantics: what the generated code calls on `runtime` (printing, lookups,
 *  operators, unpacking, Jinja's `loop` object, `self`). */
import nunjucks from "@11ty/nunjucks";
import {
  Namespace,
  SafeString,
  isDict,
  isSafe,
  percentFormat,
  pyEq,
  pyIn,
  pyStr,
  truthy,
  typeName,
  type Safe,
} from "./python.js";
import { negativeIndex, pySlice, pythonMethod } from "./methods.js";
import { excludeFromBudget, tick } from "../budget.js";
import { memberValue } from "../callable.js";

const lib = (nunjucks as unknown as { lib: { escape(s: string): string } }).lib;
const escape = lib.escape;

/** Jinja's `loop` inside `{% for %}`: index, first, last, cycle(), previtem, nextitem, depth; callable when recursive. */
export class LoopContext {
  index0 = 0;
  private lastChanged: unknown[] | undefined;
  constructor(
    private readonly items: unknown[],
    readonly depth: number,
    private readonly recurse?: (items: unknown, depth: number) => unknown,
  ) {}
  get index(): number {
    return this.index0 + 1;
  }
  get length(): number {
    return this.items.length;
  }
  get revindex(): number {
    return this.items.length - this.index0;
  }
  get revindex0(): number {
    return this.items.length - this.index0 - 1;
  }
  get first(): boolean {
    return this.index0 === 0;
  }
  get last(): boolean {
    return this.index0 === this.items.length - 1;
  }
  get depth0(): number {
    return this.depth - 1;
  }
  get previtem(): unknown {
    return this.index0 > 0 ? this.items[this.index0 - 1] : undefined;
  }
  get nextitem(): unknown {
    return this.index0 + 1 < this.items.length ? this.items[this.index0 + 1] : undefined;
  }
  cycle(...args: unknown[]): unknown {
    if (args.length === 0) throw new Error("no items for cycling given");
    return args[this.index0 % args.length];
  }
  changed(...args: unknown[]): boolean {
    if (this.lastChanged !== undefined && pyEq(this.lastChanged, args)) return false;
    this.lastChanged = args;
    return true;
  }
  __call__(items: unknown): unknown {
    if (!this.recurse) throw new Error("the loop must have the 'recursive' marker to be called");
    return this.recurse(items, this.depth + 1);
  }
}

/** What a `for` loop walks: lists as they are, strings by character, dicts by key (by pair for `for k, v in dict`). */
export function pyIter(v: unknown, names: number): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null || v === false) return [];
  if (typeof v === "string") return Array.from(v);
  if (isSafe(v)) return Array.from((v as Safe).val);
  if (v instanceof Map) return names > 1 ? [...v.entries()] : [...v.keys()];
  if (isDict(v)) return names > 1 ? Object.entries(v) : Object.keys(v);
  // Callable values (a view that can also be called) are functions that may iterate too.
  if ((typeof v === "object" || typeof v === "function") && Symbol.iterator in v)
    return Array.from(v as Iterable<unknown>);
  throw new Error(`'${typeName(v)}' object is not iterable`);
}

/** `a, b = value`: the value's items, exactly `n` of them. */
export function unpack(v: unknown, n: number): unknown[] {
  const items = pyIter(v, 1);
  if (items.length !== n)
    throw new Error(
      items.length < n
        ? `not enough values to unpack (expected ${n}, got ${items.length})`
        : `too many values to unpack (expected ${n})`,
    );
  return items;
}

/** `{% set ns.attr = value %}`: only namespaces (and plain dicts) take assignments. */
export function setAttr(obj: unknown, key: unknown, value: unknown): void {
  if (!(obj instanceof Namespace) && !isDict(obj))
    throw new Error(`cannot assign attribute on non-namespace object (${typeName(obj)})`);
  (obj as Record<string, unknown>)[String(key)] = value;
}

/** Python's `%`: string formatting, or a modulo with the sign of the divisor. */
export function pyMod(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return ((a % b) + b) % b;
  if (typeof a === "string") return percentFormat(a, b);
  if (isSafe(a)) {
    const esc = (v: unknown) => (isSafe(v) ? v : typeof v === "string" ? escape(v) : v);
    const args = Array.isArray(b)
      ? b.map(esc)
      : isDict(b)
        ? Object.fromEntries(Object.entries(b).map(([k, v]) => [k, esc(v)]))
        : esc(b);
    return new SafeString(percentFormat((a as Safe).val, args));
  }
  return Number(a) % Number(b);
}

/** Python's `+`: numbers add, lists concatenate, strings concatenate. */
export function pyAdd(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (isSafe(a) || isSafe(b)) return pyConcat(a, b);
  return (a as number) + (b as number);
}

/** Python's `*`: numbers multiply; a string or list times a number repeats. */
export function pyMul(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return a * b;
  const [seq, n] = typeof a === "number" ? [b, a] : [a, b];
  if (typeof seq === "string") return seq.repeat(Math.max(0, Number(n)));
  if (Array.isArray(seq)) return Array.from({ length: Math.max(0, Number(n)) }, () => seq).flat();
  return Number(a) * Number(b);
}

/** Jinja's `~`: both sides as strings; with Markup on either side the other is escaped and the result is Markup. */
export function pyConcat(a: unknown, b: unknown): unknown {
  if (isSafe(a) || isSafe(b)) {
    const part = (v: unknown) => (isSafe(v) ? (v as Safe).val : escape(pyStr(v)));
    return new SafeString(part(a) + part(b));
  }
  return pyStr(a) + pyStr(b);
}

/** How `{{ value }}` prints: Markup as is, everything else as Python's `str()`, escaped. */
export function suppressValue(val: unknown, autoescape: boolean): unknown {
  tick();
  if (typeof val === "string") return autoescape ? escape(val) : val;
  if (isSafe(val)) return val;
  const s = pyStr(val);
  return autoescape ? escape(s) : s;
}

/** `self.blockname()`: renders a block of the current template. */
function selfObject(context: any, frame: any): unknown {
  return new Proxy(
    {},
    {
      get(_t, name) {
        if (typeof name !== "string") return undefined;
        return () => {
          let out = "";
          context.getBlock(name)(
            context.env,
            context,
            frame,
            nunjucks.runtime,
            (err: unknown, res: string) => {
              if (err) throw err;
              out = res;
            },
          );
          return new SafeString(out);
        };
      },
    },
  );
}

let installed = false;

/** Replaces Nunjucks' run-time helpers (process-wide, once); runs after the callable lookup is installed. */
export function installHelpers(): void {
  if (installed) return;
  installed = true;
  const rt = nunjucks.runtime as any;
  Object.assign(rt, {
    truthy,
    pyEq,
    pyIn,
    pyMod,
    pyAdd,
    pyMul,
    pyConcat,
    pyIter,
    unpack,
    setAttr,
    LoopContext,
    suppressValue,
    tick,
    t: undefined,
  });

  // Compiling a template the first time it is used is not the page's own work: it does not count against its budget.
  const template = (nunjucks as any).Template.prototype;
  const compile = template._compile;
  template._compile = function (this: unknown, ...args: unknown[]) {
    return excludeFromBudget(() => compile.apply(this, args));
  };

  // One lookup for `a.b` and `a[b]` (slices compile to `pySlice`, see codegen.ts): Python's methods first, then
  // the object's members and attributes.
  rt.memberLookup = function (obj: unknown, key: unknown) {
    if (obj === undefined || obj === null) return undefined;
    if (typeof key === "string") {
      const m = pythonMethod(obj, key);
      if (m) return m;
      if (key === "length" && isSafe(obj)) return undefined;
    } else if (typeof key === "number" && key < 0) return negativeIndex(obj, key);
    return memberValue(obj, key);
  };
  rt.pySlice = pySlice;

  const callWrap = rt.callWrap;
  rt.callWrap = function (obj: any, name: string, context: unknown, args: unknown[], ...where: unknown[]) {
    if (obj instanceof LoopContext) return obj.__call__(args[0]);
    // The template's line and file travel on, for messages about the call.
    return callWrap(obj, name, context, args, ...where);
  };

  const lookup = rt.contextOrFrameLookup;
  rt.contextOrFrameLookup = function (context: any, frame: any, name: string) {
    const v = lookup(context, frame, name);
    if (v === undefined && name === "self") return selfObject(context, frame);
    return v;
  };

  rt.inOperator = pyIn;
}
