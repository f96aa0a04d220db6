/** `npm run bench -- site --out DIR`: writes a generated bench site to a folder, to read or to try by hand. */
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { benchArgs, numberOption } from "./lib/args.js";
import { generateSite, sizeComparisonLayout } from "./lib/generate-site.js";
import { count, mb, ms } from "./lib/report.js";

export const description = "(not a bench) write a generated site to --out DIR, as the benches generate it";
export const timeLimitS = 300;

/** Generates the site and says what it wrote. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("site", args, {
    out: { type: "string", help: "folder to write (must be empty or absent)" },
    entries: { type: "string", default: "10000", help: "entries" },
    yaml: { type: "boolean", default: false, help: "YAML front matter instead of Publ headers" },
    "size-pair": {
      type: "boolean",
      default: false,
      help: "one category of --entries entries and one of 100",
    },
    uniform: { type: "boolean", default: false, help: "the same body in every entry" },
    "no-cache": { type: "boolean", default: false, help: "write [cache] enabled = false into quire.toml" },
    seed: { type: "string", default: "20160101", help: "PRNG seed" },
  });
  if (!values) return;
  if (typeof values.out !== "string") throw new Error("--out DIR is required");
  const out = resolve(values.out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`${out} is not empty`);
  const entries = numberOption(values, "entries");
  const site = await generateSite(out, {
    entries,
    categories: values["size-pair"] ? sizeComparisonLayout(entries, 100) : undefined,
    headerStyle: values.yaml ? "yaml" : "publ",
    uniform: values.uniform === true,
    cache: values["no-cache"] ? false : undefined,
    seed: numberOption(values, "seed"),
  });
  process.stdout.write(
    `wrote ${count(site.entries)} entries (${mb(site.bytes / 1024)}) in ${site.categories.length} folders to ${out} in ${ms(site.ms)}\n`,
  );
}
