/** Quire's logger: pino JSON lines on stdout, pretty in development, silent in tests unless asked. */
import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

export interface LoggerOptions {
  /** Pretty, human-readable lines (for `quire serve --dev`). */
  pretty?: boolean;
  level?: string;
}

/** A logger writing JSON lines to stdout (or pretty lines in development). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.QUIRE_LOG_LEVEL ?? "info";
  if (options.pretty) {
    return pino({
      level,
      transport: {
        target: "pino-pretty",
        options: { colorize: useColour(process.stdout, process.env), translateTime: "HH:MM:ss" },
      },
    });
  }
  // Level names ("warn"), not pino's numbers (40): log search and alerting read them as they are.
  return pino({ level, base: { app: "quire" }, formatters: { level: (label) => ({ level: label }) } });
}

/** Colours only on a terminal, and never with NO_COLOR set (no-color.org); FORCE_COLOR forces them. */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

/**
 * Sends the process's warnings (deprecations, the AWS SDK's Node version notice) through the logger as one
 * line each, instead of Node's multi-line text on stderr between JSON lines.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners("warning");
  process.on("warning", (w: Error & { code?: string }) => {
    const text = w.message.replace(/\s*\n\s*/g, " ").trim();
    logger.warn({ warning: w.name, ...(w.code ? { code: w.code } : {}) }, text);
  });
}

/** A logger that discards everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** Wraps a warning so the same key is logged at most once per interval; answers whether it logged. */
export function rateLimited(intervalMs: number): (key: string, log: () => void) => boolean {
  const last = new Map<string, number>();
  return (key, log) => {
    const now = Date.now();
    const previous = last.get(key);
    if (previous !== undefined && now - previous < intervalMs) return false;
    last.set(key, now);
    if (last.size > 1000) last.clear();
    log();
    return true;
  };
}
