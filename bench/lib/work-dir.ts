/** Scratch folders for a bench run: on tmpfs (/dev/shm) when the machine has it, removed when the run ends. */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup } from "./cleanup.js";

/** Where scratch folders go: /dev/shm keeps disk speed out of the figures. */
export function scratchRoot(): string {
  try {
    if (existsSync("/dev/shm") && statSync("/dev/shm").isDirectory()) return "/dev/shm";
  } catch {
    // fall through to the OS temp folder
  }
  return tmpdir();
}

/** Creates `/dev/shm/quire-bench-<name>-XXXXXX` (or the same under os.tmpdir()), removed at cleanup. */
export function makeWorkDir(name: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(scratchRoot(), `quire-bench-${name}-`));
  const remove = onCleanup(() => rmSync(path, { recursive: true, force: true }));
  return { path, remove };
}
