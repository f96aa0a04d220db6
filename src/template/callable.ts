/** Publ-style template values that print as a value and can also be called with keyword arguments (`entry.title`, `entry.title(markup=False)`). */
import nunjucks from "@11ty/nunjucks";

const CALLABLE = Symbol.for("quire.callable");
type Fn = (...args: unknown[]) => unknown;

const SafeString = nunjucks.runtime.SafeString as unknown as new (html: string) => {
  val: string;
  length: number;
};

/**
 * HTML that prints as-is (`{{ entry.body }}`) and can be called (`{{ entry.body(absolute=true) }}`): a
 * SafeString, so Nunjucks prints it unescaped, whose calls the patched `callWrap` hands to `call`. A plain
 * object rather than a function given SafeString's prototype: pages create tens of these each, and changing
 * a function's prototype is slow in V8.
 */
class CallableHtml extends SafeString {
  constructor(
    html: string,
    readonly invoke: (kwargs: Record<string, unknown>) => unknown,
  ) {
    super(html);
  }
}

/** A list that templates iterate and slice like any list and can also call (`view.entries(unauthorized=1)`). */
class CallableList<T> extends Array<T> {
  invoke: (kwargs: Record<string, unknown>) => unknown = () => this;
}

/** A list, callable with keyword arguments through `call`. */
export function callableList<T>(
  items: readonly T[],
  call: (kwargs: Record<string, unknown>) => unknown,
): T[] {
  const list = new CallableList<T>();
  list.push(...items);
  list.invoke = call;
  return list;
}

export function callableHtml(html: string, call: (kwargs: Record<string, unknown>) => unknown): unknown {
  return new CallableHtml(html, call);
}

/**
 * An object (`entry.next.link`) that can also be called (`entry.next(category="blog")`); null when the
 * default is null, so `{% if entry.next %}` keeps working.
 */
export function callableObject<T extends object>(
  value: T | null,
  call: (kwargs: Record<string, unknown>) => unknown,
): unknown {
  if (value === null) return null;
  const target = (...args: unknown[]) => call(keywordArgs(args));
  return new Proxy(target, {
    get(t, prop) {
      if (prop === CALLABLE) return true;
      // Nunjucks calls values through `.apply`; those come from the function, everything else from the object.
      if (prop === "apply" || prop === "call" || prop === "bind") return Reflect.get(t, prop);
      const v = Reflect.get(value, prop, value);
      return typeof v === "function" && !(v as unknown as Record<symbol, boolean>)[CALLABLE]
        ? v.bind(value)
        : v;
    },
    has: (_t, prop) => prop in value,
    apply: (_t, _this, args) => call(keywordArgs(args)),
  });
}

/** Nunjucks passes keyword arguments as a trailing object marked `__keywords`; positional ones come first. */
export function keywordArgs(args: readonly unknown[]): Record<string, unknown> {
  const last = args[args.length - 1];
  const kwargs: Record<string, unknown> = {};
  if (last && typeof last === "object" && (last as Record<string, unknown>).__keywords) {
    for (const [k, v] of Object.entries(last as Record<string, unknown>))
      if (k !== "__keywords") kwargs[k] = v;
    args = args.slice(0, -1);
  }
  if (args.length > 0) kwargs._positional = args;
  return kwargs;
}

let installed = false;

/**
 * Teaches Nunjucks the callable values: `memberLookup` wraps every function it finds on an object in a fresh
 * closure, which callable objects (bound already) skip, and `callWrap` calls only functions, so calls to
 * callable HTML go to its `invoke`. The lookup also reads each member once (Nunjucks reads it twice, running
 * a getter twice).
 */
export function installCallableLookup(): void {
  if (installed) return;
  installed = true;
  const runtime = nunjucks.runtime as unknown as {
    memberLookup: (obj: unknown, key: string) => unknown;
    callWrap: (obj: unknown, name: string, context: unknown, args: unknown[]) => unknown;
  };
  runtime.memberLookup = (obj, key) => {
    if (obj === undefined || obj === null) return undefined;
    const v = (obj as Record<string, unknown>)[key];
    if (typeof v !== "function" || (v as unknown as Record<symbol, boolean>)[CALLABLE]) return v;
    return (...args: unknown[]) => (v as Fn).apply(obj, args);
  };
  const callWrap = runtime.callWrap;
  runtime.callWrap = (obj, name, context, args) =>
    obj instanceof CallableHtml || obj instanceof CallableList
      ? obj.invoke(keywordArgs(args))
      : callWrap(obj, name, context, args);
}
