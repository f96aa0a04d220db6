/** The `quire` command: parses the command line, runs one command, prints what happened; no logic of its own. */
import { formatErrorChain, isQuireError } from "../errors.js";
import { readFileSync } from "node:fs";
import { processOutput, type Output } from "./output.js";
import { HELP, commandHelp, type CommandHelp, type CommandName } from "./usage.js";

type Command = (argv: string[], out: Output) => number | Promise<number>;

/**
 * A command whose module is imported when it runs: `quire serve` then loads neither the export code nor the
 * indexing commands, which keeps tens of milliseconds off every server start.
 */
function lazy(load: () => Promise<Command>): Command {
  return async (argv, out) => (await load())(argv, out);
}

const indexCommand = lazy(async () => (await import("./index-command.js")).indexCommand);
const checkCommand = lazy(async () => (await import("./index-command.js")).checkCommand);
const fixCommand = lazy(async () => (await import("./index-command.js")).fixCommand);
const renditionsCommand = lazy(async () => (await import("./renditions-command.js")).renditionsCommand);
const serveCommand = lazy(async () => (await import("./serve-command.js")).serveCommand);
const buildCommand = lazy(async () => (await import("./build-command.js")).buildCommand);
const newCommand = lazy(async () => (await import("./new-command.js")).newCommand);
const previewCommand = lazy(async () => (await import("./preview-command.js")).previewCommand);
const tokenCommand = lazy(async () => (await import("./token-command.js")).tokenCommand);

const RUN: Record<CommandName, Command> = {
  index: indexCommand,
  check: checkCommand,
  fix: fixCommand,
  renditions: renditionsCommand,
  serve: serveCommand,
  new: newCommand,
  build: buildCommand,
  token: tokenCommand,
  preview: previewCommand,
};

const COMMANDS: Record<string, { run: Command; help: CommandHelp }> = Object.fromEntries(
  Object.entries(HELP).map(([name, help]) => [name, { run: RUN[name as CommandName], help }]),
);

/** Registers a command (the server, export and authoring commands add themselves here). */
export function registerCommand(name: string, run: Command, help: CommandHelp): void {
  COMMANDS[name] = { run, help };
}

/** Quire's version, from its package.json (two folders up from both src/cli and dist/cli). */
export function quireVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.help.summary}`);
  return [
    "usage: quire <command> [options]",
    "",
    "commands:",
    ...lines,
    "",
    "  quire <command> --help   every option of a command",
    "  quire --version          the version",
    "",
    "Exit status: 0 done, 1 problems found or the command failed, 2 a wrong command or option.",
  ].join("\n");
}

/** Runs `quire <command> …`; sets the exit code rather than exiting, so servers keep running. */
export async function main(argv: string[], out: Output = processOutput()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    out.line(`quire ${quireVersion()}`);
    return setExit(0);
  }
  if (!name || name === "help" || name === "--help" || name === "-h") {
    const about = name === "help" && rest[0] ? COMMANDS[rest[0]] : undefined;
    if (about) out.line(commandHelp(rest[0]!, about.help));
    else if (name) out.line(usage());
    else out.err(usage());
    return setExit(name ? 0 : 2);
  }
  const command = COMMANDS[name];
  if (!command) {
    out.err(`quire: unknown command "${name}" (quire --help lists them)`);
    return setExit(2);
  }
  if (asksForHelp(rest)) {
    out.line(commandHelp(name, command.help));
    return setExit(0);
  }
  try {
    return setExit(await command.run(rest, out));
  } catch (err) {
    const debug = Boolean(process.env.QUIRE_DEBUG);
    if (isQuireError(err) && err.code === "E_USAGE") {
      out.err(`quire ${name}: ${err.message} (quire ${name} --help lists the options)`);
      return setExit(2);
    }
    if (isQuireError(err)) out.err(`quire ${name}: ${debug ? formatErrorChain(err, true) : err.describe()}`);
    else out.err(`quire ${name}: unexpected error\n${formatErrorChain(err, true)}`);
    return setExit(1);
  }
}

/** `--help` or `-h` among a command's flags (before any `--`): its help instead of running it, so `serve --help` starts no server. */
function asksForHelp(args: string[]): boolean {
  for (const arg of args) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}

function setExit(code: number): number {
  process.exitCode = code;
  return code;
}
