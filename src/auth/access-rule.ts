/** Who may read an entry: Publ's `Auth:` rules evaluated for a reader's access (signed in or not, groups, admin). */

/** What access rules look at in a reader: nothing about the person beyond the groups they belong to. */
export interface ReaderAccess {
  /** True for a reader who proved an identity (session cookie or bearer token). */
  readonly signedIn: boolean;
  /**
   * The groups the reader belongs to, their own identity included (Publ's `auth_groups`), transitively
   * through users.cfg. Empty for an anonymous reader.
   */
  readonly groups: ReadonlySet<string>;
  /** Members of the site's admin group read everything. */
  readonly isAdmin: boolean;
  /**
   * A short string that is equal for two readers exactly when every rule admits both or neither: "" for an
   * anonymous reader, otherwise built from the groups (never the person), so it can key shared caches.
   */
  readonly accessKey: string;
}

/** The reader nobody has identified: reads entries without `Auth:` and those whose rule admits the signed-out. */
export const ANONYMOUS_ACCESS: ReaderAccess = Object.freeze({
  signedIn: false,
  groups: new Set<string>(),
  isAdmin: false,
  accessKey: "",
});

/** One term of an `Auth:` rule: `friends` admits, `!friends` denies; `*` is any signed-in reader. */
export interface AuthTerm {
  readonly allow: boolean;
  readonly group: string;
}

const parsedRules = new Map<string, readonly AuthTerm[]>();
const RULE_CACHE_LIMIT = 10_000;

/** The terms of an `Auth:` header value, in order (whitespace-separated, as Publ splits them). */
export function parseAuthRule(rule: string): readonly AuthTerm[] {
  let terms = parsedRules.get(rule);
  if (terms) return terms;
  terms = Object.freeze(
    rule
      .split(/\s+/)
      .filter((t) => t !== "" && t !== "!")
      .map((t) =>
        Object.freeze(t.startsWith("!") ? { allow: false, group: t.slice(1) } : { allow: true, group: t }),
      ),
  );
  if (parsedRules.size >= RULE_CACHE_LIMIT) parsedRules.clear();
  parsedRules.set(rule, terms);
  return terms;
}

/**
 * Whether a reader may read an entry with this `Auth:` value (null or blank: anyone). Publ's semantics: an
 * admin reads everything; otherwise the rightmost term that matches the reader decides, and a reader no term
 * matches is refused. `*` matches every reader: it admits (or with `!`, refuses) the signed-in and does the
 * opposite to the signed-out, so `!*` is an entry only signed-out readers see.
 */
export function mayRead(reader: ReaderAccess, auth: string | null | undefined): boolean {
  if (auth === null || auth === undefined) return true;
  const terms = parseAuthRule(auth);
  if (terms.length === 0) return true;
  if (reader.isAdmin) return true;
  let result = false;
  for (const term of terms) {
    if (term.group === "*") result = term.allow === reader.signedIn;
    else if (reader.signedIn && reader.groups.has(term.group)) result = term.allow;
  }
  return result;
}

/** True when an `Auth:` value restricts the entry at all (some reader may be refused). */
export function isRestricted(auth: string | null | undefined): boolean {
  return auth !== null && auth !== undefined && parseAuthRule(auth).length > 0;
}
