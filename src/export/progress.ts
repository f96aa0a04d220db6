/** Build progress for people: a redrawn bar on a terminal, a plain line every few seconds in logs and CI. */

/** What the build reports as it goes. */
export interface ProgressReporter {
  /** `done` of `total` items of a phase ("pages", "images", "files"); the total may grow while crawling. */
  update(phase: string, done: number, total: number): void;
  /** Clears the bar (a terminal) before the summary is printed. */
  finish(): void;
}

export interface ProgressOptions {
  write(text: string): void;
  /** A terminal: redraw one line in place. */
  tty: boolean;
  /** Columns of the terminal (default 80). */
  columns?: number;
  /** Seconds between plain lines (default 2). */
  intervalSeconds?: number;
  clock?: () => number;
}

/** A reporter that draws nothing (library use, `--quiet`). */
export const silentProgress: ProgressReporter = { update: () => undefined, finish: () => undefined };

/** A reporter drawing to `options.write`. */
export function progressReporter(options: ProgressOptions): ProgressReporter {
  const clock = options.clock ?? Date.now;
  const every = options.tty ? 100 : (options.intervalSeconds ?? 2) * 1000;
  let last = 0;
  let lastPhase = "";
  let drawn = false;
  return {
    update(phase, done, total) {
      const now = clock();
      if (options.tty) {
        // Redraw on every phase change and at most ten times a second otherwise.
        if (phase === lastPhase && now - last < every && done < total) return;
        options.write(`\r\x1b[2K${bar(phase, done, total, options.columns ?? 80)}`);
        drawn = true;
      } else {
        // Logs get a line every few seconds, so a short build prints only its summary.
        if (last === 0) last = now;
        if (now - last < every) return;
        options.write(`quire build: ${phase} ${done}/${total}\n`);
      }
      last = now;
      lastPhase = phase;
    },
    finish() {
      if (drawn) options.write("\r\x1b[2K");
      drawn = false;
    },
  };
}

/** `pages  [##########----------]  512/1024` fitted to the terminal width. */
export function bar(phase: string, done: number, total: number, columns: number): string {
  const label = phase.padEnd(7);
  const count = ` ${done}/${total}`;
  const width = Math.max(10, Math.min(40, columns - label.length - count.length - 4));
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `${label}[${"#".repeat(filled)}${"-".repeat(width - filled)}]${count}`;
}
