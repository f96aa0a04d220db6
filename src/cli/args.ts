/** Command-line parsing shared by every `quire` command: flags, with a clear error for unknown ones. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { QuireError } from "../errors.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** Flags every site command takes. */
export const SITE_OPTIONS = {
  site: { type: "string" },
  data: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies Options;

/** Parses argv for one command; unknown flags become a QuireError naming the flag. */
export function parseCommand<T extends Options>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new QuireError("E_BAD_REQUEST", `quire ${command}: ${(err as Error).message}`, { cause: err });
  }
}
