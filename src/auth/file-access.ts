/** Who may have a file under content/ that entries refer to: anyone, unless every entry that refers to it
 *  is private, in which case only a reader one of their `Auth:` rules admits. */
import { isRestricted, mayRead, type ReaderAccess } from "./access-rule.js";

/** Whether a file the entries with these `Auth:` values refer to is private (none of them public). */
export function isPrivateFile(rules: readonly (string | null)[]): boolean {
  return rules.length > 0 && rules.every((rule) => isRestricted(rule));
}

/** Whether the reader may have a file the entries with these `Auth:` values refer to. */
export function mayHaveFile(reader: ReaderAccess, rules: readonly (string | null)[]): boolean {
  return !isPrivateFile(rules) || rules.some((rule) => mayRead(reader, rule));
}
