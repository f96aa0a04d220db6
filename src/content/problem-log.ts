/** Content problems in the server's log: each one once, when it appears (at start, or when a saved file brings
 *  it), not again at every refresh while it stays. */
import type { QuireError } from "../errors.js";
import type { Logger } from "../log.js";

/** Remembers which problems were logged, so that only new ones are. */
export class ProblemLog {
  private logged = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** Logs the problems that were not there last time; forgets those that are gone. */
  report(problems: readonly QuireError[]): void {
    const now = new Set(problems.map((p) => p.describe()));
    for (const p of problems) {
      if (!this.logged.has(p.describe())) this.logger.warn({ code: p.code, file: p.file }, p.describe());
    }
    this.logged = now;
  }
}
