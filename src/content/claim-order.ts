/**
 * Which of several files claiming one Entry-ID or UUID is the original and which are copies: the file that
 * held it in the index before, else the one that entered git history first, else the older by modification
 * time, else code-point order of the paths. A copied post never takes its original's permalink.
 */
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { byCodeUnits } from "../order.js";
import type { ClaimOrder } from "./entry-id.js";

export interface ClaimOrderInput {
  contentDir: string;
  /** Whether `file` held this Entry-ID (or UUID) in the index before this refresh. */
  heldBefore(file: string, field: "Entry-ID" | "UUID"): boolean;
}

/** A `ClaimOrder` reading the index's memory, git history and modification times, only for contested files. */
export function claimOrder(input: ClaimOrderInput): ClaimOrder {
  let history: Map<string, number> | null | undefined;
  const addedAt = (file: string): number => {
    if (history === undefined) history = gitHistory(input.contentDir);
    if (history === null) return 0;
    return history.get(file) ?? Infinity;
  };
  return (files, field) => {
    const keys = new Map(
      files.map((f) => [f, [input.heldBefore(f, field) ? 0 : 1, addedAt(f), mtimeOf(input.contentDir, f)]] as const),
    );
    return [...files].sort((a, b) => compareKeys(keys.get(a)!, keys.get(b)!) || byCodeUnits(a, b));
  };
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/**
 * When each file under content/ first entered git history (seconds; paths relative to content/), read in one
 * `git log`; null when content/ is not in a git work tree (then every file ties and mtime decides). A file
 * missing from the map is not committed yet: a new copy.
 */
function gitHistory(contentDir: string): Map<string, number> | null {
  let out: string;
  try {
    out = execFileSync(
      "git",
      ["log", "--diff-filter=A", "--no-renames", "--relative", "--format=%x00%ct", "--name-only", "-z", "--", "."],
      { cwd: contentDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000, maxBuffer: 256 << 20 },
    );
  } catch {
    return null;
  }
  const added = new Map<string, number>();
  let time = 0;
  // Newest commit first: each file's last entry is its first addition.
  for (const field of out.split("\0")) {
    const name = field.replace(/^\n+/, "");
    if (name === "") continue;
    if (/^\d+$/.test(name) && field === name && !name.includes("/")) {
      time = Number(name);
      continue;
    }
    added.set(name, time);
  }
  return added;
}

function mtimeOf(contentDir: string, file: string): number {
  try {
    return statSync(join(contentDir, file)).mtimeMs;
  } catch {
    return Infinity;
  }
}
