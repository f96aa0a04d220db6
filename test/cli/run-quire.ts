/** Runs the `quire` command as a child process (this run's compiled source) and collects its exit code and output. */
import { execFile } from "node:child_process";
import { FROM_SOURCE, QUIRE_BIN } from "../helpers/process.js";

export interface QuireRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `quire <args>` with extra environment variables (`bin`: another `bin/quire.js`); never throws for a non-zero exit. */
export function quire(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
  bin = QUIRE_BIN,
): Promise<QuireRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, QUIRE_FROM_SOURCE: FROM_SOURCE, ...env }, ...(cwd ? { cwd } : {}) },
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
