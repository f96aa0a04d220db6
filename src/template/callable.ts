/** Publ-style template values that print as a value and can also be called with keyword arguments
 *  (`entry.title`, `entry.title(markup=False)`), and the checking of those arguments against Publ's signatures. */
import nunjucks from "@11ty/nunjucks";
import { tickCall } from "./budget.js";

const CALLABLE = Symbol.for("quire.callable");
/** A value's own call, given its arguments and where the template calls it. */
const INVOKE = Symbol.for("quire.invoke");
/** An object's calls by member name: `entry.next(…)` calls `entry[CALLS]("next")` whatever `entry.next` is. */
export const CALLS = Symbol.for("quire.calls");
/** An object's attributes beyond its own members (an entry's headers: `entry.author`, `'cut' in entry`). */
export const ATTRIBUTES = Symbol.for("quire.attributes");
type Fn = (...args: unknown[]) => unknown;
export type Kwargs = Record<string, unknown>;

/** Where a template calls something: `templates/entry.html`, line 12. */
export interface CallSite {
  file: string;
  line: number;
}

/** Python's signature of a Publ call: positional arguments fill `params` in order, `rest` takes the others. */
export interface Signature {
  /** How the call reads in a warning: `entry.body()`. */
  readonly name: string;
  readonly params: readonly string[];
  /** Further keyword arguments accepted (a set of names, or a test). */
  readonly accepts?: ReadonlySet<string> | ((key: string) => boolean);
  /** Positional arguments after `params` go here as a list (Python's `*args`). */
  readonly rest?: string;
  /** Any keyword is accepted (Python's `**kwargs` passed on to something that takes anything). */
  readonly anyKeyword?: boolean;
}

/** A call an object offers under a member name. */
export interface MemberCall {
  readonly sig: Signature;
  /** `warn` reports a problem with the arguments at the place the template calls from. */
  readonly call: (kw: Kwargs, warn: (message: string) => void) => unknown;
}

/** Where warnings about calls go: the render's runtime provides it (`ctx._rt`). */
export interface CallWarnings {
  warnTemplate(message: string, site: CallSite | undefined): void;
}

// Pages ask for the same few signatures over and over: each is made once (a name has one signature).
const SIGNATURES = new Map<string, Signature>();

/** Signature shorthand: `sig("entry.archive()", ["paging", "template"], ["absolute"])`; one per name. */
export function sig(
  name: string,
  params: readonly string[],
  more: readonly string[] | ((key: string) => boolean) = [],
  options: { rest?: string; anyKeyword?: boolean } = {},
): Signature {
  let made = SIGNATURES.get(name);
  if (!made) {
    made = { name, params, accepts: typeof more === "function" ? more : new Set(more), ...options };
    SIGNATURES.set(name, made);
  }
  return made;
}

/** Maps Nunjucks' arguments onto a signature; what it does not take is reported (never silently dropped) and left out. */
export function bindArguments(
  signature: Signature,
  args: readonly unknown[],
  site?: CallSite,
  warnings?: CallWarnings,
): Kwargs {
  const out: Kwargs = {};
  // Nunjucks passes keyword arguments as one trailing object marked `__keywords`, after the positional ones.
  const last = args[args.length - 1];
  const keywords =
    last && typeof last === "object" && (last as Record<string, unknown>).__keywords
      ? (last as Record<string, unknown>)
      : undefined;
  const positionals = keywords ? args.length - 1 : args.length;
  for (let i = 0; i < positionals; i++) {
    const value = args[i];
    const name = signature.params[i];
    if (name !== undefined) out[name] = value;
    else if (signature.rest) ((out[signature.rest] ??= []) as unknown[]).push(value);
    else
      warnings?.warnTemplate(
        `${signature.name} takes at most ${signature.params.length} positional arguments; the extra one is ignored`,
        site,
      );
  }
  if (keywords) {
    for (const key of Object.keys(keywords)) {
      if (key === "__keywords") continue;
      if (accepts(signature, key)) out[key] = keywords[key];
      else
        warnings?.warnTemplate(
          `${signature.name} does not take the keyword argument "${key}"; it is ignored`,
          site,
        );
    }
  }
  return out;
}

function accepts(signature: Signature, key: string): boolean {
  if (signature.anyKeyword || signature.params.includes(key)) return true;
  const more = signature.accepts;
  if (!more) return false;
  return typeof more === "function" ? more(key) : more.has(key);
}

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
 * An object (`view`, `view.current`) that can also be called (`view(count=5)`): its calls are checked against
 * `signature`; null stays null, so `{% if … %}` keeps working.
 */
export function callableObject<T extends object>(
  value: T | null,
  call: (kwargs: Record<string, unknown>, warn: (message: string) => void) => unknown,
  signature?: Signature,
): unknown {
  if (value === null) return null;
  const invoke = (args: unknown[], site?: CallSite, warnings?: CallWarnings) =>
    call(signature ? bindArguments(signature, args, site, warnings) : keywordArgs(args), (message) =>
      warnings?.warnTemplate(message, site),
    );
  const target = (...args: unknown[]) => invoke(args);
  // The object's methods bound to it, each once: the engine asks for its calls (`CALLS`) on every call.
  const bound = new Map<unknown, unknown>();
  return new Proxy(target, {
    get(t, prop) {
      if (prop === CALLABLE) return true;
      if (prop === INVOKE) return invoke;
      // Nunjucks calls values through `.apply`; those come from the function, everything else from the object.
      if (prop === "apply" || prop === "call" || prop === "bind") return Reflect.get(t, prop);
      const v = Reflect.get(value, prop, value);
      if (typeof v !== "function" || (v as unknown as Record<symbol, boolean>)[CALLABLE]) return v;
      let b = bound.get(v);
      if (b === undefined) bound.set(v, (b = v.bind(value)));
      return b;
    },
    has: (_t, prop) => prop in value,
    apply: (_t, _this, args) => invoke(args),
  });
}

/** A function templates call with Publ's signature (`arrow.get(…)`, `view.tag_toggle(…)`), its arguments checked. */
export function callableFunction(
  signature: Signature,
  call: (kw: Kwargs, warn: (message: string) => void, context: unknown) => unknown,
): Fn {
  const invoke = (args: unknown[], site?: CallSite, warnings?: CallWarnings, context?: unknown) =>
    call(
      bindArguments(signature, args, site, warnings),
      (message) => warnings?.warnTemplate(message, site),
      context,
    );
  const f = (...args: unknown[]) => invoke(args);
  Object.defineProperty(f, INVOKE, { value: invoke });
  Object.defineProperty(f, CALLABLE, { value: true });
  return f;
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

type Runtime = {
  memberLookup: (obj: unknown, key: string) => unknown;
  inOperator: (key: unknown, obj: unknown) => boolean;
  callWrap: (obj: unknown, name: string, context: unknown, args: unknown[]) => unknown;
  fromIterator: (arr: unknown) => unknown;
  callMember?: (
    obj: unknown,
    key: unknown,
    name: string,
    context: unknown,
    args: unknown[],
    line: number,
    file: string | null,
  ) => unknown;
};
type CompilerProto = {
  compileFunCall(node: FunCallNode, frame: unknown): void;
  _emit(code: string): void;
  _compileExpression(node: unknown, frame: unknown): void;
  _compileAggregate(node: unknown, frame: unknown, start: string, end: string): void;
  _getNodeName(node: unknown): string;
  templateName?: string | null;
};
type FunCallNode = {
  lineno: number;
  colno: number;
  name: { typename: string; target?: unknown; val?: unknown };
  args: unknown;
};

let installed = false;

/** A value's own method by name, called with the value (a Markup value's text) first: Python's `str.split`. */
export type MethodOf = (obj: unknown, key: string) => ((self: any, ...args: any[]) => unknown) | undefined;

/** An attribute beyond an object's own members (`entry.author` from its headers), or undefined. */
function attributeOf(obj: object, key: string): unknown {
  const attributes = (obj as Record<symbol, unknown>)[ATTRIBUTES];
  return typeof attributes === "function"
    ? (attributes as (key: string) => unknown).call(obj, key)
    : undefined;
}

/**
 * `obj.key` / `obj[key]` as templates read it (obj not null): a member, else an attribute; a method comes
 * bound to its object (callable values are bound already and stay as they are). Each member is read once
 * (Nunjucks reads it twice, running a getter twice).
 */
export function memberValue(obj: object, key: unknown): unknown {
  const v = (obj as Record<string, unknown>)[key as string];
  if (v === undefined) return typeof key === "string" ? attributeOf(obj, key) : undefined;
  if (typeof v !== "function" || (v as unknown as Record<symbol, boolean>)[CALLABLE]) return v;
  return (...args: unknown[]) => (v as Fn).apply(obj, args);
}

/**
 * Teaches Nunjucks the callable values (`memberLookup` is `memberValue`). A call of a member (`entry.next(…)`)
 * asks the object for that call first, so a value that is empty or null when read (`entry.more`, `entry.next`)
 * can still be called, as Publ's proxies can; then `methodOf` (Python's methods of strings, lists and dicts);
 * then the member itself, a plain method called on its object without a bound copy. Calls carry the template
 * and line, so an argument Publ's signature does not take is reported where it is written. A callable object
 * that iterates (a view) iterates in `for` loops.
 */
export function installCallableLookup(methodOf?: MethodOf): void {
  if (installed) return;
  installed = true;
  const runtime = nunjucks.runtime as unknown as Runtime;
  runtime.memberLookup = (obj, key) =>
    obj === undefined || obj === null ? undefined : memberValue(obj, key);
  const inOperator = runtime.inOperator;
  runtime.inOperator = (key, obj) => {
    const attributes = (obj as Record<symbol, unknown> | null | undefined)?.[ATTRIBUTES];
    if (typeof attributes === "function" && typeof key === "string" && !(key in (obj as object)))
      return (attributes as (key: string) => unknown).call(obj, key) !== undefined;
    return inOperator(key, obj);
  };
  const callWrap = runtime.callWrap;
  const call = (
    obj: unknown,
    name: string,
    context: unknown,
    args: unknown[],
    line?: number,
    file?: string | null,
  ) => {
    // Every call (a macro's too) counts against the render's time budget.
    tickCall();
    if (obj instanceof CallableHtml || obj instanceof CallableList) return obj.invoke(keywordArgs(args));
    const invoke = (obj as Record<symbol, unknown> | null | undefined)?.[INVOKE] as
      ((args: unknown[], site?: CallSite, warnings?: CallWarnings, context?: unknown) => unknown) | undefined;
    if (typeof invoke === "function") return invoke(args, callSite(line, file), warningsOf(context), context);
    return callWrap(obj, name, context, args);
  };
  runtime.callWrap = call;
  runtime.callMember = (obj, key, name, context, args, line, file) => {
    if (obj === undefined || obj === null || typeof key !== "string")
      return call(runtime.memberLookup(obj, key as string), name, context, args, line, file);
    const calls = (obj as Record<symbol, unknown>)[CALLS];
    if (typeof calls === "function") {
      const member = (calls as (k: string) => MemberCall | undefined).call(obj, key);
      if (member) {
        const site = callSite(line, file);
        const warnings = warningsOf(context);
        return member.call(bindArguments(member.sig, args, site, warnings), (message) =>
          warnings?.warnTemplate(message, site),
        );
      }
    }
    // What `memberLookup` then `callWrap` would do, without the bound copy of the method a read makes.
    const method = methodOf?.(obj, key);
    if (method) {
      tickCall();
      if (!(obj instanceof SafeString)) return method(obj, ...args);
      const r = method(obj.val, ...args);
      return typeof r === "string" ? new SafeString(r) : r;
    }
    if (key === "length" && obj instanceof SafeString)
      return call(undefined, name, context, args, line, file);
    const v = (obj as Record<string, unknown>)[key];
    if (typeof v === "function" && !(v as unknown as Record<symbol, boolean>)[CALLABLE]) {
      tickCall();
      return (v as Fn).apply(obj, args);
    }
    return call(v === undefined ? attributeOf(obj, key) : v, name, context, args, line, file);
  };
  const fromIterator = runtime.fromIterator;
  runtime.fromIterator = (arr) =>
    typeof arr === "function" &&
    (arr as unknown as Record<symbol, unknown>)[CALLABLE] &&
    Symbol.iterator in arr
      ? [...(arr as unknown as Iterable<unknown>)]
      : fromIterator(arr);

  const compiler = (nunjucks as unknown as { compiler: { Compiler: { prototype: CompilerProto } } }).compiler;
  compiler.Compiler.prototype.compileFunCall = function (this: CompilerProto, node, frame) {
    // As Nunjucks' own, plus the line and template for messages, and member calls through `callMember`.
    const name = JSON.stringify(this._getNodeName(node.name));
    const where = `${node.lineno + 1}, ${JSON.stringify(this.templateName ?? null)}`;
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    if (node.name.typename === "LookupVal") {
      this._emit("runtime.callMember((");
      this._compileExpression(node.name.target, frame);
      this._emit("), ");
      this._compileExpression(node.name.val, frame);
    } else {
      this._emit("runtime.callWrap(");
      this._compileExpression(node.name, frame);
    }
    this._emit(`, ${name}, context, `);
    this._compileAggregate(node.args, frame, "[", "]");
    this._emit(`, ${where}))`);
  };
}

// The template path as messages show it, by compiled file name: a call site is made for every call.
const SHOWN_FILES = new Map<string, string>();

function callSite(line: number | undefined, file: string | null | undefined): CallSite | undefined {
  if (line === undefined) return undefined;
  const raw = file ?? "";
  let shown = SHOWN_FILES.get(raw);
  if (shown === undefined) {
    const path = raw.replace(/\\/g, "/");
    const i = path.lastIndexOf("/templates/");
    shown = i >= 0 ? path.slice(i + 1) : path || "(template)";
    if (SHOWN_FILES.size >= 1000) SHOWN_FILES.clear();
    SHOWN_FILES.set(raw, shown);
  }
  return { file: shown, line };
}

function warningsOf(context: unknown): CallWarnings | undefined {
  const rt = (context as { ctx?: { _rt?: CallWarnings } } | undefined)?.ctx?._rt;
  return rt && typeof rt.warnTemplate === "function" ? rt : undefined;
}
