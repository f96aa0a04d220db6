/** YAML front matter between `---` lines, parsed by @11ty/gray-matter with a YAML-only, data-only engine
 *  (no other language, no code, no timestamps, bounded aliases) and mapped to the same headers as Publ style. */

import { createRequire } from "node:module";
import type GrayMatter from "@11ty/gray-matter";
import type * as JsYaml from "js-yaml";
import { QuireError } from "../errors.js";
import { headerKey, type Header } from "./entry-record.js";
import { excerpt } from "./parse-text.js";
import { readSimpleYaml } from "./simple-yaml.js";

// Most entries use Publ headers and these cost ~10 ms to load, so they load with the first YAML front matter.
let yamlLibs: { matter: typeof GrayMatter; yaml: typeof JsYaml } | undefined;
function libs(): { matter: typeof GrayMatter; yaml: typeof JsYaml } {
  const require = createRequire(import.meta.url);
  return (yamlLibs ??= {
    matter: require("@11ty/gray-matter") as typeof GrayMatter,
    yaml: require("js-yaml") as typeof JsYaml,
  });
}

/** Front matter read into headers, and the body below it. */
export interface FrontMatter {
  headers: Header[];
  body: string;
  /** 1-based line of the file where the body starts. */
  bodyLine: number;
}

/** YAML spellings that mean a Publ header: `id: 42` is `Entry-ID: 42`, `tags: [a, b]` is two `Tag:` lines. */
const KEY_ALIASES = new Map([
  ["id", "entry-id"],
  ["tags", "tag"],
  ["hidden-tags", "hidden-tag"],
  ["path-aliases", "path-alias"],
]);

// Aliases are legitimate YAML but rare in front matter; a handful is plenty, and the cap is what makes a
// billion-laughs block fail at once instead of expanding. MAX_NODES bounds the JSON made of nested values.
const MAX_ALIASES = 16;
const MAX_DEPTH = 32;
const MAX_NODES = 10_000;

/** True when the text opens with a front matter line: `---`, optionally followed by a language name. */
export function hasFrontMatter(text: string): boolean {
  // gray-matter's own rule: `----` (four dashes) is a Markdown rule, not a delimiter.
  return text.startsWith("---") && text[3] !== "-";
}

/** Parse the front matter of `text` (LF-only); throws QuireError when it is unusable. */
export function parseFrontMatter(text: string, file: string): FrontMatter {
  const { lines, close, bodyStart } = fences(text, file);
  // Plain name: value lines are read directly; anything else goes to gray-matter and js-yaml, and only the
  // front matter does: gray-matter looks every input up in a cache keyed by the whole text.
  const data = readSimpleYaml(lines, 1, close) ?? loadData(lines.join("\n"), file);
  const keyLines = topLevelKeyLines(lines.slice(1, close));
  const headers: Header[] = [];
  const budget = { nodes: 0 };
  for (const [name, value] of Object.entries(data)) {
    const written = headerKey(name);
    const key = KEY_ALIASES.get(written) ?? written;
    if (key === "") continue;
    const line = keyLines.get(written) ?? 1;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) headers.push({ name, key, value: toText(v, budget, file, line), line });
  }
  return { headers, body: text.slice(bodyStart), bodyLine: close + 2 };
}

/**
 * The lines of the front matter block of `text`, fences included (`lines[close]` is the closing `---`), and
 * the offset where the body below it starts; throws when the block is not closed. Only the block is split
 * into lines: the body is usually far longer.
 */
function fences(text: string, file: string): { lines: string[]; close: number; bodyStart: number } {
  const lines: string[] = [];
  let close = -1;
  let pos = 0;
  while (pos <= text.length) {
    const nl = text.indexOf("\n", pos);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end);
    pos = end + 1;
    lines.push(line);
    if (lines.length === 1) {
      const language = line.slice(3).trim();
      if (language !== "" && !/^ya?ml$/i.test(language)) {
        throw new QuireError(
          "E_ENTRY_FRONT_MATTER_ENGINE",
          `Front matter language "${excerpt(language, 20)}" is not allowed (expected --- or ---yaml): front matter is YAML data and never runs code`,
          { file, line: 1 },
        );
      }
    } else if (line.startsWith("---")) {
      // gray-matter closes at the first line starting with "---"; insist that this line is exactly "---".
      close = lines.length - 1;
      break;
    }
  }
  if (close < 0) {
    throw new QuireError(
      "E_ENTRY_FRONT_MATTER",
      "Front matter opened with --- on line 1 is never closed (expected a line of exactly --- after the headers)",
      { file, line: 1 },
    );
  }
  if (lines[close]!.trimEnd() !== "---") {
    throw new QuireError(
      "E_ENTRY_FRONT_MATTER",
      `Front matter must end with a line of exactly --- (found "${excerpt(lines[close]!)}")`,
      { file, line: close + 1 },
    );
  }
  return { lines, close, bodyStart: Math.min(pos, text.length) };
}

/** The body below a front matter block, without reading the YAML (which indexing has already checked). */
export function frontMatterBody(text: string, file: string): string {
  return text.slice(fences(text, file).bodyStart);
}

/** The data of a whole front matter block (fences included) as gray-matter and js-yaml read it; throws QuireError. */
export function loadData(text: string, file: string): Record<string, unknown> {
  let data: unknown;
  const { matter, yaml } = libs();
  try {
    data = matter(text, {
      language: "yaml",
      excerpt: false,
      // Every engine but our YAML loader refuses: nothing in a content file may choose to run code.
      engines: {
        yaml: (source: string) => yamlEngine(source),
        json: refuse,
        js: refuse,
        javascript: refuse,
      },
    }).data;
  } catch (cause) {
    if (cause instanceof QuireError) throw new QuireError(cause.code, cause.message, { file, line: 1 });
    const line = cause instanceof yaml.YAMLException && cause.mark ? cause.mark.line + 1 : undefined;
    const reason = cause instanceof yaml.YAMLException ? cause.reason : String(cause);
    if (/maxAliases/.test(reason)) {
      throw new QuireError(
        "E_ENTRY_YAML",
        `Front matter uses more than ${MAX_ALIASES} YAML aliases (*name); write the values out instead`,
        { file, line, cause },
      );
    }
    throw new QuireError("E_ENTRY_YAML", `Front matter is not valid YAML: ${reason}`, { file, line, cause });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new QuireError(
      "E_ENTRY_YAML",
      "Front matter must be a list of name: value lines (expected e.g. title: My post)",
      { file, line: 2 },
    );
  }
  return data as Record<string, unknown>;
}

function yamlEngine(source: string): object {
  // CORE_SCHEMA has no timestamp type, so dates stay strings for Quire's own date parser, and no
  // language-specific tags (!!js/function and friends are unknown tags, hence errors).
  const { load, CORE_SCHEMA } = libs().yaml;
  return load(source, { schema: CORE_SCHEMA, maxAliases: MAX_ALIASES, maxDepth: MAX_DEPTH }) as object;
}

function refuse(): never {
  throw new QuireError("E_ENTRY_FRONT_MATTER_ENGINE", "Front matter must be YAML (expected --- or ---yaml)");
}

/** Lines (1-based, in the file) where each top-level key is written, for error messages. */
function topLevelKeyLines(block: string[]): Map<string, number> {
  const lines = new Map<string, number>();
  block.forEach((text, i) => {
    // Each part of the pattern can match in one way only, so a long line costs linear time.
    const m = /^(?:"([^"]*)"[ \t]*|'([^']*)'[ \t]*|([^\s#'":][^:#]*)):(?:\s|$)/.exec(text);
    const name = m ? (m[1] ?? m[2] ?? m[3] ?? "").trim() : "";
    const key = headerKey(name);
    if (m && !lines.has(key)) lines.set(key, i + 2);
  });
  return lines;
}

function toText(value: unknown, budget: { nodes: number }, file: string, line: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trimEnd();
  if (typeof value !== "object") return String(value);
  try {
    // Nested values reach templates as JSON; the replacer counts nodes so shared (aliased) subtrees
    // cannot expand without bound.
    return JSON.stringify(value, (_key, v: unknown) => {
      if (++budget.nodes > MAX_NODES) throw new RangeError("too many nodes");
      return v;
    });
  } catch (cause) {
    const why = cause instanceof RangeError ? "is too large once expanded" : "refers to itself";
    throw new QuireError("E_ENTRY_YAML", `Front matter value ${why} (expected plain name: value data)`, {
      file,
      line,
      cause,
    });
  }
}
