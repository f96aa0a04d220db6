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
 * Assigns every entry its ID and UUID. Explicit IDs win; among duplicates the earlier path (in code-point
 * order) keeps it and the later one is reported and falls back to its derived ID. Derived IDs probe past
 * any taken ID, paths in code-point order, so the result never depends on scan order.
 */
export function assignIds(claims: readonly IdClaim[]): { ids: Map<string, IdAssignment>; problems: QuireError[] } {
  const sorted = [...claims].sort((a, b) => byCodeUnits(a.file, b.file));
  const problems: QuireError[] = [];
  const ids = new Map<string, IdAssignment>();
  const idOwner = new Map<number, string>();
  const uuidOwner = new Map<string, string>();
  const needDerived: IdClaim[] = [];

  for (const claim of sorted) {
    const uuid = claimUuid(claim, uuidOwner, problems);
    if (claim.entryId !== null) {
      const owner = idOwner.get(claim.entryId);
      if (owner === undefined) {
        idOwner.set(claim.entryId, claim.file);
        ids.set(claim.file, { id: claim.entryId, uuid, derived: false });
        continue;
      }
      problems.push(...duplicate("E_ENTRY_DUPLICATE_ID", "Entry-ID", String(claim.entryId), claim.file, owner));
    }
    ids.set(claim.file, { id: 0, uuid, derived: true });
    needDerived.push(claim);
  }
  for (const claim of needDerived) {
    let attempt = 0;
    let id = claim.derivedId ?? derivedEntryId(claim.file, attempt);
    while (idOwner.has(id)) id = derivedEntryId(claim.file, ++attempt);
    idOwner.set(id, claim.file);
    ids.get(claim.file)!.id = id;
  }
  return { ids, problems };
}

function claimUuid(claim: IdClaim, owners: Map<string, string>, problems: QuireError[]): string {
  if (claim.uuid !== null) {
    const key = claim.uuid.toLowerCase();
    const owner = owners.get(key);
    if (owner === undefined) {
      owners.set(key, claim.file);
      return key;
    }
    problems.push(...duplicate("E_ENTRY_DUPLICATE_UUID", "UUID", claim.uuid, claim.file, owner));
  }
  let uuid = claim.derivedUuid ?? derivedUuid(claim.file);
  // The first retry is `file#` (as in earlier versions, so UUIDs stay put); further ones number themselves.
  for (let attempt = 1; owners.has(uuid); attempt++) {
    uuid = derivedUuid(attempt === 1 ? `${claim.file}#` : `${claim.file}#${attempt}`);
  }
  owners.set(uuid, claim.file);
  return uuid;
}

function duplicate(
  code: "E_ENTRY_DUPLICATE_ID" | "E_ENTRY_DUPLICATE_UUID",
  field: string,
  value: string,
  loser: string,
  winner: string,
): QuireError[] {
  const fallback = field === "UUID" ? "a derived UUID" : "a path-derived ID";
  return [
    new QuireError(
      code,
      `${field} ${value} is already used by content/${winner}; this entry gets ${fallback} instead (give it a unique ${field})`,
      { file: `content/${loser}`, field },
    ),
    new QuireError(code, `${field} ${value} is also claimed by content/${loser}; this entry keeps it`, {
      file: `content/${winner}`,
      field,
    }),
  ];
}
