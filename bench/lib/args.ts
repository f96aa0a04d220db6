/** Command-line options for one bench, with `--help` and the flags every bench shares. */
import { parseArgs } from "node:util";

interface OptionSpec {
  type: "string" | "boolean";
  default?: string | boolean;
  help: string;
}
type Spec = Record<string, OptionSpec>;

/** Flags every bench takes. */
export const COMMON_OPTIONS = {
  "no-build": { type: "boolean", default: false, help: "use dist/ as it is (it must be newer than src/)" },
  profile: { type: "string", help: "also run once under --cpu-prof and keep the profiles in this folder" },
  help: { type: "boolean", default: false, help: "show these options" },
} as const satisfies Spec;

/** Parses `args` against `spec` plus the common flags; prints help and returns null for `--help`. */
export function benchArgs<S extends Spec>(name: string, args: string[], spec: S) {
  const all: Spec = { ...spec, ...COMMON_OPTIONS };
  const options = Object.fromEntries(
    Object.entries(all).map(([k, v]) => [
      k,
      { type: v.type, ...(v.default !== undefined ? { default: v.default } : {}) },
    ]),
  );
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(`npm run bench -- ${name} [options]\n\n`);
    for (const [k, v] of Object.entries(all)) {
      const def = v.default === undefined || v.default === false ? "" : ` (default ${String(v.default)})`;
      process.stdout.write(`  --${k.padEnd(12)} ${v.help}${def}\n`);
    }
    return null;
  }
  return values as Record<string, string | boolean | undefined>;
}

/** A positive number option, with a clear error otherwise. */
export function numberOption(values: Record<string, string | boolean | undefined>, key: string): number {
  const n = Number(values[key]);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--${key} must be a positive number, not "${String(values[key])}"`);
  return n;
}
