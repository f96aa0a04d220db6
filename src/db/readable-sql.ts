/** "May this reader read this entry" inside SQL: a function on each index connection that evaluates an entry's
 *  `Auth:` rule (see auth/access-rule) for the reader a query binds as `@reader`. */
import type { Db } from "./open-index.js";
import { ANONYMOUS_ACCESS, mayRead, type ReaderAccess } from "../auth/access-rule.js";

/** Readers queries have bound, by access key; a key always stands for the same access, so any entry will do. */
const bound = new Map<string, ReaderAccess>([["", ANONYMOUS_ACCESS]]);
const BOUND_LIMIT = 1000;
const registered = new WeakSet<Db>();

/** Adds `quire_may_read(auth, reader)` to a connection (once). */
export function registerReadableFunction(db: Db): void {
  if (registered.has(db)) return;
  registered.add(db);
  db.function("quire_may_read", { deterministic: true }, (auth: unknown, key: unknown) => {
    // An access key nobody bound (it cannot happen: the query binds it first) reads as the least access.
    const reader = bound.get(String(key)) ?? ANONYMOUS_ACCESS;
    return mayRead(reader, typeof auth === "string" ? auth : null) ? 1 : 0;
  });
}

/** The value to bind as `@reader` for this reader; call just before running the query. */
export function readerParam(reader: ReaderAccess): string {
  const key = reader.accessKey;
  if (!bound.has(key)) {
    if (bound.size >= BOUND_LIMIT) {
      bound.clear();
      bound.set("", ANONYMOUS_ACCESS);
    }
    bound.set(key, reader);
  }
  return key;
}

/**
 * SQL for "the bound reader may read it". Binds `@reader`. Most entries have no rule, so the function runs
 * only for the few that do.
 */
export function readableSql(alias: string): string {
  return `(${alias}.auth IS NULL OR quire_may_read(${alias}.auth, @reader) = 1)`;
}

/** SQL for "the entry has a rule and it refuses the bound reader" (Publ's unauthorized stubs). Binds `@reader`. */
export function unreadableSql(alias: string): string {
  return `(${alias}.auth IS NOT NULL AND quire_may_read(${alias}.auth, @reader) = 0)`;
}
