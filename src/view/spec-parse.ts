/** Builds view specs from what readers and templates say: URL query arguments (only `date`, `id` and `tag`,
 *  the ones Publ puts in page URLs) and template keyword arguments (`view(count=10, recurse=true)`). */
import { QuireError } from "../errors.js";
import { tagKey } from "../db/refresh.js";
import { parseDateKey, DATE_FORMS } from "./date-period.js";
import {
  makeSpec,
  uniqueTags,
  type DatePaging,
  type TagFilter,
  type ViewOrder,
  type ViewSpec,
} from "./view-spec.js";

/** A query string as URLSearchParams or as a parsed object (`req.query`). */
export type QueryLike =
  | { get(name: string): string | null; getAll(name: string): string[] }
  | Record<string, string | string[] | undefined>;

/** At most this many tags in one filter: keeps URLs sane and the number of SQL shapes bounded. */
export const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 200;

/** The spec of the page a URL asks for: `base` (category, template settings) with `?date=`, `?id=`, `?tag=`. */
export function specFromQuery(query: QueryLike, base: Partial<ViewSpec> = {}): ViewSpec {
  const fail = (field: string, value: string, expected: string): never => {
    throw new QuireError("E_BAD_REQUEST", `${field} "${clip(value)}" is not valid: expected ${expected}`, {
      field,
    });
  };
  const patch: Partial<ViewSpec> = {};
  const date = values(query, "date")[0]?.trim();
  const id = values(query, "id")[0]?.trim();
  // As in Publ, a date wins over an anchor: the two never combine.
  if (date) {
    const parsed = parseDateKey(date);
    if (!parsed) fail("date", date, DATE_FORMS);
    Object.assign(patch, { date: parsed!.key, id: null });
  } else if (id) {
    if (!/^\d{1,15}$/.test(id)) fail("id", id, "an entry ID (a whole number)");
    Object.assign(patch, { id: Number(id), date: null });
  }
  const tags = values(query, "tag")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (tags.length > 0) {
    const long = tags.find((t) => t.length > MAX_TAG_LENGTH);
    if (long) fail("tag", long, `a tag of at most ${MAX_TAG_LENGTH} characters`);
    const unique = uniqueTags(tags, tagKey);
    if (unique.length > MAX_TAGS) fail("tag", tags.join(", "), `at most ${MAX_TAGS} tags`);
    Object.assign(patch, { tag: unique });
  }
  return makeSpec({ ...base, ...patch });
}

type Parse = (v: KeywordValue) => unknown;
const entryId: Parse = (v) => v.nullable((x) => x.entryId());
const strings: Parse = (v) => v.nullable((x) => x.strings());
const tagFilter: Parse = (v) => v.tagFilter();

/** Every keyword `view()` takes (Publ's names, and the camelCase of the spec), with the field it sets. */
const KEYWORDS: Record<string, [keyof ViewSpec, Parse]> = {
  count: ["count", (v) => v.nullable((x) => x.positiveInt())],
  recurse: ["recurse", (v) => v.bool()],
  future: ["future", (v) => v.bool()],
  tag: ["tag", (v) => uniqueTags(v.nullable((x) => x.strings()) ?? [], tagKey)],
  tag_filter: ["tagFilter", tagFilter],
  tagFilter: ["tagFilter", tagFilter],
  order: ["order", (v) => v.oneOf<ViewOrder>(["newest", "oldest", "title"])],
  date: ["date", (v) => v.nullable((x) => x.date())],
  paging: ["paging", (v) => v.nullable((x) => x.paging())],
  category: ["category", (v) => v.category()],
  id: ["id", entryId],
  start: ["id", entryId], // Publ's internal name for the page anchor
  entry_type: ["entryType", strings],
  entryType: ["entryType", strings],
  entry_type_not: ["entryTypeNot", strings],
  entryTypeNot: ["entryTypeNot", strings],
  first: ["first", entryId],
  last: ["last", entryId],
  before: ["before", entryId],
  after: ["after", entryId],
  attachments: ["attachments", entryId],
  attached: ["attached", entryId],
  has_attachments: ["hasAttachments", (v) => v.nullable((x) => x.bool())],
  is_attached: ["isAttached", (v) => v.nullable((x) => x.bool())],
};

/** True for a keyword argument `view()` takes. */
export function isViewKeyword(name: string): boolean {
  return Object.hasOwn(KEYWORDS, name);
}

/** A spec from template keyword arguments over `base`, as Publ's `view(**kwargs)` merges them. */
export function specFromKeywords(kwargs: Record<string, unknown>, base: Partial<ViewSpec> = {}): ViewSpec {
  const patch: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(kwargs)) {
    if (name === "__keywords") continue; // Nunjucks' marker on keyword-argument objects
    const known = Object.hasOwn(KEYWORDS, name) ? KEYWORDS[name] : undefined;
    if (!known) {
      const expected = Object.keys(KEYWORDS).join(", ");
      throw new QuireError("E_TEMPLATE", `view(): unknown argument "${name}" (expected one of ${expected})`, {
        field: name,
      });
    }
    patch[known[0]] = known[1](new KeywordValue(name, value));
  }
  if (Array.isArray(patch.tag) && patch.tag.length > MAX_TAGS) {
    throw new QuireError("E_TEMPLATE", `view(): tag lists at most ${MAX_TAGS} tags`, { field: "tag" });
  }
  return makeSpec({ ...base, ...(patch as Partial<ViewSpec>) });
}

/** One keyword argument being checked; a failure is the template's (E_TEMPLATE) and names what was expected. */
class KeywordValue {
  constructor(
    readonly name: string,
    readonly value: unknown,
  ) {}

  fail(expected: string): never {
    const shown = typeof this.value === "string" ? `"${clip(this.value)}"` : clip(String(this.value));
    throw new QuireError("E_TEMPLATE", `view(): ${this.name} must be ${expected}, not ${shown}`, {
      field: this.name,
    });
  }

  nullable<T>(parse: (v: this) => T): T | null {
    return this.value === null || this.value === undefined || this.value === "" ? null : parse(this);
  }

  bool(): boolean {
    if (typeof this.value === "boolean") return this.value;
    if (this.value === "true" || this.value === 1) return true;
    if (this.value === "false" || this.value === 0) return false;
    return this.fail("true or false");
  }

  positiveInt(): number {
    const n =
      typeof this.value === "string" && /^\d+$/.test(this.value.trim()) ? Number(this.value) : this.value;
    return typeof n === "number" && Number.isSafeInteger(n) && n > 0
      ? n
      : this.fail("a whole number above 0");
  }

  entryId(): number {
    const v = this.value;
    const raw = typeof v === "object" && v !== null && "id" in v ? (v as { id: unknown }).id : v;
    const n = typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    return typeof n === "number" && Number.isSafeInteger(n) && n >= 0
      ? n
      : this.fail("an entry or an entry ID");
  }

  strings(): string[] {
    const v = this.value;
    if (typeof v === "string") return [v];
    if (v && typeof v === "object" && Symbol.iterator in v) {
      const items = [...(v as Iterable<unknown>)];
      if (items.every((x) => typeof x === "string")) return items as string[];
    }
    return this.fail("a string or a list of strings");
  }

  oneOf<T extends string>(allowed: readonly T[]): T {
    const s = typeof this.value === "string" ? this.value.trim().toLowerCase() : "";
    return (allowed as readonly string[]).includes(s) ? (s as T) : this.fail(`one of ${allowed.join(", ")}`);
  }

  tagFilter(): TagFilter {
    const synonyms: Record<string, TagFilter> = {
      any: "ANY",
      or: "ANY",
      all: "ALL",
      and: "ALL",
      none: "NONE",
      not: "NONE",
    };
    const s = typeof this.value === "string" ? synonyms[this.value.trim().toLowerCase()] : undefined;
    return s ?? this.fail("ANY, ALL or NONE");
  }

  date(): string {
    const text = typeof this.value === "number" ? String(this.value) : this.value;
    const parsed = typeof text === "string" ? parseDateKey(text) : null;
    return parsed ? parsed.key : this.fail(`a date (${DATE_FORMS})`);
  }

  paging(): DatePaging | null {
    const s = this.oneOf(["day", "week", "month", "year", "offset"]);
    return s === "offset" ? null : s;
  }

  category(): string {
    const v = this.value;
    const path = typeof v === "object" && v !== null && "path" in v ? (v as { path: unknown }).path : v;
    if (path === null || path === undefined) return "";
    if (typeof path !== "string") return this.fail("a category path");
    return path.replace(/^\/+|\/+$/g, "");
  }
}

function values(query: QueryLike, name: string): string[] {
  if (typeof query.getAll === "function" && typeof query.get === "function")
    return (query.getAll as (n: string) => string[])(name);
  const v = (query as Record<string, string | string[] | undefined>)[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
