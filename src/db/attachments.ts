/** Entries attached to entries (Publ's `Attach:` header): how a value names its target, and the SQL that
 *  finds an entry's attachments, the entries it is attached to, and whether it has or is either. */

/** One `entry_attach` row after `file`: the target's path under content/, or its entry ID. */
export type AttachRow = [targetFile: string | null, targetId: number | null];

/**
 * What an `Attach:` value names, as Publ reads it: an entry ID (`Attach: 1349`), a path from the content
 * root (`Attach: /blog/notes.md`), or a path beside the entry (`Attach: supplement 2.md`, `../x.md`). A path
 * that climbs out of content/ names nothing (null).
 */
export function attachRow(entryFile: string, value: string): AttachRow | null {
  const v = value.trim();
  if (v === "") return null;
  if (/^\d{1,15}$/.test(v)) return [null, Number(v)];
  const folder = entryFile.includes("/") ? entryFile.slice(0, entryFile.lastIndexOf("/")) : "";
  const joined = v.startsWith("/") ? v.slice(1) : folder === "" ? v : `${folder}/${v}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 ? null : [parts.join("/"), null];
}

/**
 * Every resolved link as (parent file, attached file): a row whose target no entry answers to links nothing.
 * Both halves are joins on indexed columns; a UNION rather than an OR keeps SQLite on those indexes.
 */
export const ATTACH_LINKS_SQL = `SELECT a.file AS parent, t.file AS child FROM entry_attach a JOIN entries t ON t.file = a.target_file
  UNION SELECT a.file AS parent, t.file AS child FROM entry_attach a JOIN entries t ON t.id = a.target_id`;

/** SQL: the entry `alias` is attached to the entry with ID `@param` (it is one of its attachments). */
export function attachmentOfSql(alias: string, param: string): string {
  return `${alias}.file IN (SELECT l.child FROM (${ATTACH_LINKS_SQL}) l JOIN entries p ON p.file = l.parent WHERE p.id = ${param})`;
}

/** SQL: the entry `alias` has the entry with ID `@param` attached to it. */
export function attachedToSql(alias: string, param: string): string {
  return `${alias}.file IN (SELECT l.parent FROM (${ATTACH_LINKS_SQL}) l JOIN entries c ON c.file = l.child WHERE c.id = ${param})`;
}

/** SQL: whether the entry `alias` has attachments (`want` true) or has none (false), as Publ's `has_attachments`. */
export function hasAttachmentsSql(alias: string, want: boolean): string {
  const exists = `EXISTS (SELECT 1 FROM entry_attach a JOIN entries t ON t.file = a.target_file WHERE a.file = ${alias}.file)
    OR EXISTS (SELECT 1 FROM entry_attach a JOIN entries t ON t.id = a.target_id WHERE a.file = ${alias}.file)`;
  return want ? `(${exists})` : `NOT (${exists})`;
}

/** SQL: whether the entry `alias` is attached to another (`want` true) or to none, as Publ's `is_attached`. */
export function isAttachedSql(alias: string, want: boolean): string {
  const exists = `EXISTS (SELECT 1 FROM entry_attach a WHERE a.target_file = ${alias}.file OR a.target_id = ${alias}.id)`;
  return want ? exists : `NOT ${exists}`;
}
