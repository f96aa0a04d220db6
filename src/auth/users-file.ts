/** The site's `users.cfg` (Publ's format): `[group]` sections listing identities and other groups, `#`/`;`
 *  comments; read again when the file changes, so adding a friend needs no restart. */
import { readFileSync, statSync } from "node:fs";
import { QuireError } from "../errors.js";

/** Member (identity or group name) → the groups that list it directly. */
export type Memberships = ReadonlyMap<string, ReadonlySet<string>>;

/** What a users.cfg says, and what was wrong with it (the rest of the file still counts). */
export interface ParsedUsers {
  memberships: Memberships;
  problems: QuireError[];
}

/** Parses users.cfg text. Lines before the first `[section]` are reported and ignored. */
export function parseUsers(text: string, file = "users.cfg"): ParsedUsers {
  const memberships = new Map<string, Set<string>>();
  const problems: QuireError[] = [];
  let group: string | null = null;
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      group = section[1]!.trim();
      if (group === "")
        problems.push(
          new QuireError("E_CONFIG", `${file}: line ${i + 1}: a group needs a name, e.g. [friends]`, {
            file,
            line: i + 1,
          }),
        );
      continue;
    }
    if (group === null || group === "") {
      problems.push(
        new QuireError(
          "E_CONFIG",
          `${file}: line ${i + 1}: "${line.slice(0, 60)}" is not in a group; put a [group] line above it`,
          { file, line: i + 1 },
        ),
      );
      continue;
    }
    let groups = memberships.get(line);
    if (!groups) memberships.set(line, (groups = new Set()));
    groups.add(group);
  }
  return { memberships, problems };
}

/**
 * Every group an identity belongs to, directly or through groups of groups (cycles are fine), with the
 * identity itself first when `includeSelf` (Publ's `auth_groups`; without it, Publ's `groups`).
 */
export function groupsOf(memberships: Memberships, identity: string, includeSelf = true): Set<string> {
  const result = new Set<string>();
  const pending = [identity];
  while (pending.length > 0) {
    const next = pending.shift()!;
    if (result.has(next)) continue;
    result.add(next);
    for (const g of memberships.get(next) ?? []) pending.push(g);
  }
  if (!includeSelf) result.delete(identity);
  return result;
}

/** A users.cfg on disk, re-read when its size or mtime changes (checked at most once a second). */
export class UsersFile {
  private memberships: Memberships = new Map();
  private stamp = "";
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly path: string,
    private readonly onProblem: (problem: QuireError) => void = () => undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The current memberships (an empty map when the file is missing). */
  current(): Memberships {
    const now = this.clock();
    if (now - this.checkedAt < 1000) return this.memberships;
    this.checkedAt = now;
    let stamp = "missing";
    try {
      const st = statSync(this.path);
      stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      // no users.cfg: nobody is in any group
    }
    if (stamp === this.stamp) return this.memberships;
    this.stamp = stamp;
    if (stamp === "missing") {
      this.memberships = new Map();
      return this.memberships;
    }
    try {
      const parsed = parseUsers(readFileSync(this.path, "utf8"), this.path);
      for (const p of parsed.problems) this.onProblem(p);
      this.memberships = parsed.memberships;
    } catch (err) {
      // Keep the groups last read: a file caught mid-write must not sign everyone out of their groups.
      this.onProblem(new QuireError("E_CONFIG", `${this.path} could not be read`, { cause: err }));
      this.stamp = "";
    }
    return this.memberships;
  }
}
