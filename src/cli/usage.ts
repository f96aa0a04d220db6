/** What each `quire` command takes: its options (parsed from these very tables) and the help it prints. */
import type { ParseArgsConfig } from "node:util";

/** One option: how node:util's parseArgs reads it, and how `--help` describes it. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** The value's name in help (`DIR`, `N`); string options only. */
  arg?: string;
  doc: string;
}

export type OptionTable = Record<string, OptionSpec>;

const site: OptionTable = {
  site: { type: "string", arg: "DIR", doc: "the site folder (default: the current folder)" },
  data: {
    type: "string",
    arg: "DIR",
    doc: "where Quire writes its index and renditions (default: QUIRE_DATA_DIR, else <site>/.quire)",
  },
};
const json: OptionTable = { json: { type: "boolean", doc: "print the result as one JSON object" } };
const help: OptionTable = { help: { type: "boolean", short: "h", doc: "show this help" } };

/** A command's summary line, usage, and options. */
export interface CommandHelp {
  summary: string;
  usage: string[];
  options: OptionTable;
  /** Lines after the options (exit codes, where to read more). */
  notes?: string[];
}

/** Every command's help; the commands parse their flags from `options`, so help never misses one. */
export const HELP = {
  index: {
    summary: "build or refresh the index of content/, e.g. as a deploy step",
    usage: ["quire index [options]"],
    options: {
      ...site,
      "no-search": {
        type: "boolean",
        doc: "leave the search tables to the server, which fills them after it starts",
      },
      ...json,
      ...help,
    },
    notes: ["Exits 1 when two entries share an Entry-ID or UUID (run quire fix), else 0."],
  },
  check: {
    summary: "report every problem in content/ and quire.toml; exit 1 if there is any",
    usage: ["quire check [options]"],
    options: { ...site, ...json, ...help },
  },
  fix: {
    summary: "write missing Entry-ID, UUID and Date headers, and a fresh ID into copied entries",
    usage: ["quire fix [options]"],
    options: {
      ...site,
      staged: { type: "boolean", doc: "only the entry files staged in git (for a pre-commit hook)" },
      ...json,
      ...help,
    },
  },
  renditions: {
    summary: "generate every image rendition the content uses, e.g. as a deploy step",
    usage: ["quire renditions [options]"],
    options: { ...site, ...json, ...help },
  },
  serve: {
    summary: "serve the site over HTTP",
    usage: ["quire serve [options]"],
    options: {
      ...site,
      port: { type: "string", short: "p", arg: "N", doc: "the port (default: PORT, else 3000)" },
      host: {
        type: "string",
        arg: "ADDR",
        doc: "the address to listen on (default: HOST, else 0.0.0.0; 127.0.0.1 with --dev)",
      },
      dev: {
        type: "boolean",
        doc: "development: watch files, write missing headers, reload pages, show template errors",
      },
      drafts: { type: "boolean", doc: "with --dev: show DRAFT entries at their URLs" },
      ...help,
    },
  },
  new: {
    summary: "scaffold a site, or write an entry with its headers filled in",
    usage: ["quire new <dir> [--from SOURCE]", 'quire new post "Title" [--category C] [--site DIR]'],
    options: {
      ...site,
      category: { type: "string", short: "c", arg: "C", doc: "the new entry's category (folder)" },
      title: { type: "string", arg: "TEXT", doc: "the new entry's title (instead of the argument)" },
      from: {
        type: "string",
        arg: "SOURCE",
        doc: "where the new site's package.json gets Quire: a folder or .tgz, a git URL or a version (default: this Quire's folder)",
      },
      ...json,
      ...help,
    },
  },
  build: {
    summary: "export the site as static files",
    usage: ["quire build [options]"],
    options: {
      ...site,
      out: { type: "string", short: "o", arg: "DIR", doc: "the output folder (default: <site>/dist)" },
      jobs: {
        type: "string",
        short: "j",
        arg: "N",
        doc: "rendering threads, 1 to 64 (default: one per core)",
      },
      "base-url": {
        type: "string",
        arg: "URL",
        doc: "the public address for feeds, the sitemap and canonical links (default: site.base_url)",
      },
      quiet: { type: "boolean", short: "q", doc: "no progress line" },
      ...json,
      ...help,
    },
    notes: ["See docs/static-export.md for the URL-to-file mapping and the host files."],
  },
  preview: {
    summary: "print a signed link to a draft or scheduled entry, valid 7 days unless told",
    usage: ["quire preview FILE [options]"],
    options: {
      ...site,
      hours: { type: "string", arg: "N", doc: "how many hours the link stays valid (default 168)" },
      until: { type: "string", arg: "DATE", doc: "the moment the link stops working, instead of --hours" },
      ...help,
    },
  },
  token: {
    summary: "print a bearer token for an identity (needs only the site secret)",
    usage: ["quire token IDENTITY [options]"],
    options: {
      ...site,
      scope: { type: "string", arg: "S", doc: "what the token may be used for (default: anything)" },
      lifetime: {
        type: "string",
        arg: "T",
        doc: "how long it is accepted: seconds, or 90m, 12h, 30d, 2w (default 3600, at most 365d)",
      },
      ...help,
    },
    notes: ["The token is the last line printed; see docs/private-entries.md."],
  },
} satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof HELP;

/** A command's option table as node:util's parseArgs takes it. */
export function parseOptions(table: OptionTable): NonNullable<ParseArgsConfig["options"]> {
  const out: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, spec] of Object.entries(table)) {
    out[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  return out;
}

/** The full help of one command. */
export function commandHelp(name: string, h: CommandHelp): string {
  const flags = Object.entries(h.options).map(([opt, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "    ";
    return [`${short}--${opt}${spec.arg ? ` ${spec.arg}` : ""}`, spec.doc] as const;
  });
  const width = Math.max(...flags.map(([f]) => f.length));
  const lines = [
    `quire ${name}: ${h.summary}`,
    "",
    ...h.usage.map((u, i) => `${i === 0 ? "usage: " : "       "}${u}`),
    "",
    "options:",
    ...flags.map(([f, doc]) => `  ${f.padEnd(width)}  ${doc}`),
  ];
  if (h.notes) lines.push("", ...h.notes);
  return lines.join("\n");
}
