/**
 * A bound on how deeply templates may include (or extend) one another during one render. A template that
 * includes itself would otherwise recurse until the stack gives out, holding the event loop for seconds.
 * It wraps the environment's public `getTemplate`, through which every include, import and extends goes.
 */
import { QuireError } from "../errors.js";

/** How deep includes may nest: far beyond any theme's, and Jinja's recursive menus, yet quick to reach. */
export const MAX_INCLUDE_DEPTH = 48;

type Callback = (err: unknown, template?: unknown) => unknown;
interface GetTemplateHost {
  getTemplate: (...args: unknown[]) => unknown;
}

/** The error a render was stopped with, kept apart: the engine rewraps errors and drops their cause. */
export interface DepthGuard {
  /** The depth error raised since the last call, if any (and forgets it). */
  take(): QuireError | null;
}

/** Makes `env` refuse a template nested deeper than `max` with an E_TEMPLATE_DEPTH error naming it. */
export function limitIncludeDepth(env: GetTemplateHost, max = MAX_INCLUDE_DEPTH): DepthGuard {
  const original = env.getTemplate.bind(env);
  const chain: string[] = [];
  let failure: QuireError | null = null;
  // While the failure unwinds, the engine wraps it anew at every level, each time formatting a stack trace
  // that grows with the depth: 40–75 ms of CPU for 48 levels. Those traces are thrown away (the error kept
  // here is the one reported), so none is taken until the render has ended.
  let stackLimit: number | undefined;
  env.getTemplate = (...args: unknown[]) => {
    const at = args.findIndex((a) => typeof a === "function");
    if (at < 0) return original(...args);
    const done = args[at] as Callback;
    const name = templateName(args[0]);
    // Rendering is synchronous: the template found here renders inside this callback, so the chain is exact.
    args[at] = (err: unknown, template?: unknown) => {
      if (err || !template) return done(err, template);
      if (chain.length >= max) {
        failure ??= new QuireError(
          "E_TEMPLATE_DEPTH",
          `templates/${name} is included more than ${max} templates deep (${describeChain(chain, name)}); ` +
            "a template that includes itself needs a condition that ends it",
          { file: `templates/${name}` },
        );
        stackLimit ??= Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        return done(failure);
      }
      chain.push(name);
      try {
        return done(null, template);
      } finally {
        chain.pop();
      }
    };
    return original(...args);
  };
  return {
    take() {
      if (stackLimit !== undefined) Error.stackTraceLimit = stackLimit;
      stackLimit = undefined;
      const f = failure;
      failure = null;
      return f;
    },
  };
}

/** The file a template name stands for: `0:blog/entry.html` → `blog/entry.html`. */
function templateName(name: unknown): string {
  const raw = typeof name === "string" ? name : String((name as { path?: string } | null)?.path ?? name);
  return raw.replace(/^\d+:/, "");
}

function describeChain(chain: string[], next: string): string {
  const head = chain.slice(0, 3);
  return [...head, chain.length > 3 ? "…" : null, next].filter(Boolean).join(" → ");
}
