/** A real pino logger whose lines the test can read: to assert what an operator would see in the logs. */
import { pino } from "pino";
import type { Logger } from "../../src/log.js";

export interface CapturedLog {
  logger: Logger;
  lines: Array<Record<string, unknown> & { level: number; msg: string }>;
  /** Lines at warn level or above. */
  warnings(): Array<Record<string, unknown> & { msg: string }>;
}

/** A logger at debug level that keeps every line it writes. */
export function captureLog(): CapturedLog {
  const lines: CapturedLog["lines"] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines, warnings: () => lines.filter((line) => line.level >= 40) };
}
