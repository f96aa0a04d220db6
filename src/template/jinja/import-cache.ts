/** `{% import %}` without context runs the imported template once per compiled template, as Jinja2 caches it. */
import nunjucks from "@11ty/nunjucks";

type Callback = (err: unknown, exported?: Record<string, unknown>) => void;
type TemplateProto = {
  getExported(ctx?: unknown, parentFrame?: unknown, cb?: unknown): unknown;
};
type Cached = { [EXPORTED]?: Record<string, unknown> };

const EXPORTED = Symbol("quire.exported");
let installed = false;

/**
 * Nunjucks ran an imported template's top level (every macro made anew) on each `{% import … as m %}`: a listing
 * whose entry summary imports the theme's macros ran it once per entry. Without context the result depends on
 * nothing but the template (and globals, read when a macro runs), so it is kept on the compiled template, which
 * is dropped when templates change. Each import gets its own copy of the module object, as a template may set
 * attributes on it; the macros are shared.
 */
export function installImportCache(): void {
  if (installed) return;
  installed = true;
  const proto = (nunjucks as unknown as { Template: { prototype: TemplateProto } }).Template.prototype;
  const getExported = proto.getExported;
  proto.getExported = function (
    this: TemplateProto & Cached,
    ctx?: unknown,
    parentFrame?: unknown,
    cb?: unknown,
  ) {
    // Nunjucks' compiled `{% import %}` without context passes only its callback.
    if (typeof ctx !== "function" || parentFrame !== undefined || cb !== undefined)
      return getExported.call(this, ctx, parentFrame, cb);
    const done = ctx as Callback;
    const cached = this[EXPORTED];
    if (cached) return done(null, { ...cached });
    return getExported.call(this, (err: unknown, exported?: Record<string, unknown>) => {
      if (!err && exported) this[EXPORTED] = exported;
      done(err, exported && { ...exported });
    });
  };
}
