/** The `quire` command: parses the command line, runs one command, prints what happened; no logic of its own. */
import { formatErrorChain, isQuireError } from "../errors.js";
import { processOutput, type Output } from "./output.js";

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

const COMMANDS: Record<string, { run: Command; help: string }> = {
  index: { run: indexCommand, help: "build or refresh the index (--site DIR, --data DIR, --json)" },
  check: {
    run: checkCommand,
    help: "report every problem in content/ and quire.toml; exit 1 if any (--json)",
  },
  fix: {
    run: fixCommand,
    help: "stamp missing Entry-ID, UUID and Date into entry files (--staged: only those staged in git)",
  },
  renditions: {
    run: renditionsCommand,
    help: "generate every image rendition the content uses, e.g. as a deploy step (--json)",
  },
  serve: {
    run: serveCommand,
    help: "serve the site (--port N, --dev for watcher, write-back and live reload)",
  },
  new: {
    run: newCommand,
    help: 'scaffold a site (new DIR) or write an entry with its headers filled in (new post "Title" --category c)',
  },
  preview: {
    run: previewCommand,
    help: "print a signed link to a draft or scheduled entry, valid 7 days (--hours N, --until DATE)",
  },
  build: {
    run: buildCommand,
    help: "export the site as static files (--out DIR, default <site>/dist; --base-url URL)",
  },
};

/** Registers a command (the server, export and authoring commands add themselves here). */
export function registerCommand(name: string, run: Command, help: string): void {
  COMMANDS[name] = { run, help };
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  quire ${name.padEnd(12)} ${c.help}`);
  return `usage: quire <command> [options]\n\n${lines.join("\n")}\n`;
}

/** Runs `quire <command> …`; sets the exit code rather than exiting, so servers keep running. */
export async function main(argv: string[], out: Output = processOutput()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    out.line(usage());
    return setExit(name ? 0 : 2);
  }
  const command = COMMANDS[name];
  if (!command) {
    out.err(`quire: unknown command "${name}"\n\n${usage()}`);
    return setExit(2);
  }
  if (asksForHelp(rest)) {
    out.line(`usage: quire ${name} [options]\n\n  ${command.help}\n`);
    return setExit(0);
  }
  try {
    return setExit(await command.run(rest, out));
  } catch (err) {
    if (isQuireError(err))
      out.err(`quire ${name}: ${formatErrorChain(err, Boolean(process.env.QUIRE_DEBUG))}`);
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
