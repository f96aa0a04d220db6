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

/** Parses argv for one command; an unknown or malformed flag becomes one E_USAGE sentence naming it. */
export function parseCommand<T extends Options>(argv: string[], options: T, _command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new QuireError("E_USAGE", usageMessage(err as Error & { code?: string }, options), { cause: err });
  }
}

/** node:util's parse error as one short sentence: `unknown option --foo`, `--port needs a value`. */
function usageMessage(err: Error & { code?: string }, options: Options): string {
  const flag = /'(-{1,2}[^'\s]+)/.exec(err.message)?.[1];
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag) return `unknown option ${flag}`;
  const long = [...err.message.matchAll(/--([a-z][\w-]*)/gi)].pop()?.[1];
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && long) {
    return options[long]?.type === "boolean" ? `--${long} takes no value` : `--${long} needs a value`;
  }
  return err.message.split("\n")[0]!.replace(/\. To specify a positional argument.*$/, "");
}
