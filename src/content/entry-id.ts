/** Entry IDs and UUIDs derived from a path: the same on every machine and every run, with deterministic collision handling. */
import { hash } from "node:crypto";
import { QuireError } from "../errors.js";
import { byCodeUnits } from "../order.js";

/** Derived IDs are seven digits, so permalinks stay short while collisions stay rare for large sites. */
export const DERIVED_ID_MIN = 1_000_000;
export const DERIVED_ID_SPAN = 9_000_000;
const TWO_32_MOD_SPAN = 2 ** 32 % DERIVED_ID_SPAN;

/** The path-derived ID for an entry file (path relative to content/); `attempt` > 0 probes after a collision. */
export function derivedEntryId(file: string, attempt = 0): number {
  const digest = hash("sha256", attempt === 0 ? normalisePath(file) : `${normalisePath(file)}#${attempt}`, "buffer");
  // The first 8 bytes as an unsigned 64-bit number, modulo the span, in exact double arithmetic: every
  // product stays below 2^53.
  const high = digest.readUInt32BE(0) % DERIVED_ID_SPAN;
  const low = digest.readUInt32BE(4) % DERIVED_ID_SPAN;
  return DERIVED_ID_MIN + ((high * TWO_32_MOD_SPAN + low) % DERIVED_ID_SPAN);
}

/** A stable name-based UUID (version 5 layout) for an entry file without a UUID header. */
export function derivedUuid(file: string): string {
  const b = hash("sha1", `quire:entry:${normalisePath(file)}`, "buffer").subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function normalisePath(file: string): string {
  return file.normalize("NFC").replace(/\\/g, "/");
}

export interface IdClaim {
  file: string;
  entryId: number | null;
  uuid: string | null;
  /** `derivedEntryId(file)`, when already computed. */
  derivedId?: number;
  /** `derivedUuid(file)`, when already computed. */
  derivedUuid?: string;
}

export interface IdAssignment {
  id: number;
  uuid: string;
  /** True when the ID came from the path, not from an Entry-ID header. */
  derived: boolean;
}

/**
 * Orders the files that claim one Entry-ID or UUID, the original first: the one that held it before, or the
 * older in git history or by modification time. The default is code-point order of the paths.
 */
export type ClaimOrder = (files: readonly string[], field: "Entry-ID" | "UUID") => string[];

const byPath: ClaimOrder = (files) => [...files].sort(byCodeUnits);

/**
 * Assigns every entry its ID and UUID. Explicit IDs win; among files claiming the same one, the original (as
 * `order` decides) keeps it and the others are reported and fall back to their derived ID, which is the fresh
 * ID `quire fix` writes into them. Derived IDs probe past any taken ID, paths in code-point order, so the
 * result never depends on scan order.
 */
export function assignIds(
  claims: readonly IdClaim[],
  order: ClaimOrder = byPath,
): { ids: Map<string, IdAssignment>; problems: QuireError[] } {
  const sorted = [...claims].sort((a, b) => byCodeUnits(a.file, b.file));
  const problems: QuireError[] = [];
  const ids = new Map<string, IdAssignment>();
  const idWinner = contestWinners(sorted, (c) => (c.entryId === null ? null : String(c.entryId)), "Entry-ID", order, problems);
  const uuidWinner = contestWinners(sorted, (c) => c.uuid?.toLowerCase() ?? null, "UUID", order, problems);
  const idOwner = new Map<number, string>();
  const uuidOwner = new Map<string, string>();
  const needDerived: IdClaim[] = [];
  const needUuid: IdClaim[] = [];

  for (const claim of sorted) {
    if (claim.uuid !== null && (uuidWinner.get(claim.uuid.toLowerCase()) ?? claim.file) === claim.file)
      uuidOwner.set(claim.uuid.toLowerCase(), claim.file);
    if (claim.entryId !== null && (idWinner.get(String(claim.entryId)) ?? claim.file) === claim.file)
      idOwner.set(claim.entryId, claim.file);
  }
  for (const claim of sorted) {
    const key = claim.uuid?.toLowerCase();
    const uuid = key !== undefined && uuidOwner.get(key) === claim.file ? key : "";
    if (uuid === "") needUuid.push(claim);
    if (claim.entryId !== null && idOwner.get(claim.entryId) === claim.file) {
      ids.set(claim.file, { id: claim.entryId, uuid, derived: false });
      continue;
    }
    ids.set(claim.file, { id: 0, uuid, derived: true });
    needDerived.push(claim);
  }
  for (const claim of needUuid) ids.get(claim.file)!.uuid = freshUuid(claim, uuidOwner);
  for (const claim of needDerived) {
    let attempt = 0;
    let id = claim.derivedId ?? derivedEntryId(claim.file, attempt);
    while (idOwner.has(id)) id = derivedEntryId(claim.file, ++attempt);
    idOwner.set(id, claim.file);
    ids.get(claim.file)!.id = id;
  }
  return { ids, problems };
}

/** For each value claimed by more than one file, the file that keeps it; reports the others. */
function contestWinners(
  claims: readonly IdClaim[],
  valueOf: (c: IdClaim) => string | null,
  field: "Entry-ID" | "UUID",
  order: ClaimOrder,
  problems: QuireError[],
): Map<string, string> {
  const claimants = new Map<string, string[]>();
  for (const c of claims) {
    const v = valueOf(c);
    if (v === null) continue;
    const list = claimants.get(v);
    if (list) list.push(c.file);
    else claimants.set(v, [c.file]);
  }
  const winners = new Map<string, string>();
  for (const [value, files] of claimants) {
    if (files.length < 2) continue;
    const [winner, ...copies] = order(files, field);
    winners.set(value, winner!);
    for (const copy of copies) problems.push(...duplicate(field, value, copy, winner!));
  }
  return winners;
}

function freshUuid(claim: IdClaim, owners: Map<string, string>): string {
  let uuid = claim.derivedUuid ?? derivedUuid(claim.file);
  // The first retry is `file#` (as in earlier versions, so UUIDs stay put); further ones number themselves.
  for (let attempt = 1; owners.has(uuid); attempt++) {
    uuid = derivedUuid(attempt === 1 ? `${claim.file}#` : `${claim.file}#${attempt}`);
  }
  owners.set(uuid, claim.file);
  return uuid;
}

/** The copy's problem as written by `duplicate`, read back (problems travel through the index as text). */
export function duplicateOf(message: string): { field: string; value: string; original: string } | null {
  const m = /^(Entry-ID|UUID) (\S+) is also in (content\/.+?), which had it first;/.exec(message);
  return m ? { field: m[1]!, value: m[2]!, original: m[3]! } : null;
}

/** The command that settles a duplicate by writing a fresh ID into the copy. */
export const SETTLE_DUPLICATES = "quire fix";

function duplicate(field: "Entry-ID" | "UUID", value: string, copy: string, original: string): QuireError[] {
  const code = field === "UUID" ? "E_ENTRY_DUPLICATE_UUID" : "E_ENTRY_DUPLICATE_ID";
  const fresh = field === "UUID" ? "a fresh UUID" : "a fresh ID";
  return [
    new QuireError(
      code,
      `${field} ${value} is also in content/${original}, which had it first; this copy gets ${fresh} (\`${SETTLE_DUPLICATES}\` writes it into this file)`,
      { file: `content/${copy}`, field },
    ),
    new QuireError(code, `${field} ${value} is also in content/${copy}, a later copy; this entry keeps it`, {
      file: `content/${original}`,
      field,
    }),
  ];
}
