/** Publ-style template values that print as a value and can also be called with keyword arguments (`entry.title`, `entry.title(markup=False)`). */
import nunjucks from "@11ty/nunjucks";

const CALLABLE = Symbol.for("quire.callable");
type Fn = (...args: unknown[]) => unknown;

/**
 * HTML that prints as-is (`{{ entry.body }}`) and can be called (`{{ entry.body(absolute=true) }}`).
 * A function whose prototype is SafeString: Nunjucks prints it unescaped, and calling it works.
 */
export function callableHtml(html: string, call: (kwargs: Record<string, unknown>) => unknown): unknown {
  const fn = ((...args: unknown[]) => call(keywordArgs(args))) as Fn & { val: string };
  Object.setPrototypeOf(fn, callableHtmlPrototype());
  Object.defineProperty(fn, "length", { value: html.length, writable: true, configurable: true });
  fn.val = html;
  return fn;
}

let htmlPrototype: object | undefined;

/**
 * The prototype of callable HTML: SafeString's, plus the marker and the `apply`, `call` and `bind` a
 * function loses with Function.prototype (Nunjucks calls through `.apply`). One object shared by all,
 * since pages create tens of these each.
 */
function callableHtmlPrototype(): object {
  htmlPrototype ??= Object.create(nunjucks.runtime.SafeString.prototype as object, {
    [CALLABLE]: { value: true },
    apply: { value: Function.prototype.apply },
    call: { value: Function.prototype.call },
    bind: { value: Function.prototype.bind },
  }) as object;
  return htmlPrototype;
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
 * Nunjucks wraps every function it looks up on an object in a fresh closure, which would lose the
 * SafeString prototype of a callable value; this lets callable values through unwrapped (they are bound already).
 */
export function installCallableLookup(): void {
  if (installed) return;
  installed = true;
  const runtime = nunjucks.runtime as unknown as { memberLookup: (obj: unknown, key: string) => unknown };
  const original = runtime.memberLookup;
  runtime.memberLookup = (obj, key) => {
    if (obj !== undefined && obj !== null) {
      const v = (obj as Record<string, unknown>)[key];
      if (typeof v === "function" && (v as unknown as Record<symbol, boolean>)[CALLABLE]) return v;
    }
    return original(obj, key);
  };
}
