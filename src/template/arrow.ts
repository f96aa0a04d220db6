/** The `arrow` global of Publ templates: `arrow.now()`, `arrow.utcnow()`, `arrow.get(…)`, giving template dates. */
import { QuireError } from "../errors.js";
import { isValidTimeZone } from "../content/dates.js";
import { callableFunction, sig } from "./callable.js";
import { TemplateDate } from "./template-date.js";

/** The `arrow` object; `now()` without a zone is in the site's zone (Publ runs in the server's local zone). */
export function arrowGlobal(siteZone: string): Record<string, unknown> {
  const zone = (tz: unknown) => {
    if (tz === undefined || tz === null || tz === "local") return siteZone;
    const name = String(tz);
    if (!isValidTimeZone(name)) throw new QuireError("E_TEMPLATE", `arrow: unknown time zone "${name}"`);
    return name;
  };
  return {
    now: callableFunction(sig("arrow.now()", ["tz"]), (kw) => new TemplateDate(Date.now(), zone(kw.tz))),
    utcnow: callableFunction(sig("arrow.utcnow()", []), () => new TemplateDate(Date.now(), "UTC")),
    get: callableFunction(sig("arrow.get()", [], ["tzinfo"], { rest: "args" }), (kw) => {
      const args = (kw.args as unknown[] | undefined) ?? [];
      const tz = kw.tzinfo === undefined ? "UTC" : zone(kw.tzinfo);
      const v = args[0];
      if (v === undefined) return new TemplateDate(Date.now(), tz);
      if (v instanceof TemplateDate) return new TemplateDate(v.ms, kw.tzinfo === undefined ? v.timeZone : tz);
      if (typeof v === "number") return new TemplateDate(v * 1000, tz);
      const ms = Date.parse(String(v));
      if (Number.isNaN(ms)) throw new QuireError("E_TEMPLATE", `arrow.get(): "${String(v)}" is not a date`);
      return new TemplateDate(ms, tz);
    }),
  };
}
