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
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss" } },
    });
  }
  return pino({ level, base: { app: "quire" } });
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
