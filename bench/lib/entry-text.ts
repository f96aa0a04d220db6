/** Varied Markdown for generated entries: prose with inline markup, headings, lists, quotes, code and tables. */
import type { Prng } from "./prng.js";

const WORDS = (
  "the a of and to in is was it for on with as at by from this that be are not or but have had one all " +
  "morning light river garden kitchen window paper letter station harbour mountain valley winter summer " +
  "autumn spring bread coffee tea train road bridge city village market street evening night quiet small " +
  "long short old new early late bright slow steady careful simple honest warm cold green blue grey " +
  "wrote read walked found kept made took left brought noticed remembered wondered tried learned built " +
  "fixed moved opened closed started finished waited listened watched counted measured planted cooked " +
  "book page chapter note draft story idea question answer reason habit pattern method tool machine " +
  "server index cache template entry category image file folder record list table column row value " +
  "friend neighbour stranger teacher writer reader editor child family crowd voice song sound silence " +
  "weather rain snow wind cloud sun shadow stone wood glass metal paint ink thread cloth wall door " +
  "because although while after before until since whenever again almost always never often sometimes " +
  "perhaps probably certainly quickly slowly gently nearly rather quite very only still even just"
).split(" ");

const TITLE_WORDS = (
  "Notes Letter Field Guide Morning Evening Winter Summer Journey Harbour Garden Kitchen River Station " +
  "Lessons Questions Small Quiet Long Return Tools Habits Patterns Drafts Maps Weather Light Stone Paper " +
  "Building Fixing Reading Walking Cooking Listening Measuring Keeping Starting Finishing Index Cache Bread"
).split(" ");

const LANGUAGES = ["js", "python", "rust", "sh", "toml", "ts", "go", "css"] as const;

/** What an entry body should contain beyond prose. */
export interface BodyOptions {
  /** Roughly how many words of prose. */
  words: number;
  cut: boolean;
  code: boolean;
  table: boolean;
  /** Markdown for one image (already written), placed after the first paragraph or two. */
  image?: string;
  /** Entry IDs that exist in the site, for `[text](123)` links. */
  linkableIds: readonly number[];
}

/** A title of three to seven words. */
export function makeTitle(rng: Prng): string {
  const n = rng.int(3, 7);
  const words = [rng.pick(TITLE_WORDS), ...Array.from({ length: n - 1 }, () => rng.pick(WORDS))];
  const title = words.join(" ");
  if (rng.chance(0.1)) return `${title}: ${rng.pick(TITLE_WORDS).toLowerCase()} and ${rng.pick(WORDS)}`;
  if (rng.chance(0.05)) return `${title} & ${rng.pick(TITLE_WORDS)}`;
  return title;
}

/** An entry body of about `options.words` words of Markdown. */
export function makeBody(rng: Prng, options: BodyOptions): string {
  const blocks: string[] = [];
  let words = 0;
  const add = (text: string, count: number) => {
    blocks.push(text);
    words += count;
  };
  const first = paragraph(rng, options.linkableIds);
  add(first.text, first.words);
  if (options.cut) blocks.push(".....");
  let code = options.code;
  let table = options.table;
  let image = options.image;
  while (words < options.words) {
    if (image && blocks.length >= 2) {
      blocks.push(image);
      image = undefined;
      continue;
    }
    const roll = rng.next();
    if (code && roll < 0.2) {
      blocks.push(fencedCode(rng));
      code = false;
    } else if (table && roll < 0.35) {
      blocks.push(markdownTable(rng));
      table = false;
    } else if (roll < 0.5) {
      const p = paragraph(rng, options.linkableIds);
      add(`## ${sentence(rng, 2, 5).replace(/\.$/, "")}\n\n${p.text}`, p.words + 4);
    } else if (roll < 0.62) {
      const l = list(rng, rng.chance(0.7) ? "- " : "1. ");
      add(l.text, l.words);
    } else if (roll < 0.68) {
      const q = sentence(rng, 12, 24);
      add(`> ${q}`, q.split(" ").length);
    } else {
      const p = paragraph(rng, options.linkableIds);
      add(p.text, p.words);
    }
  }
  if (image) blocks.push(image);
  if (code) blocks.push(fencedCode(rng));
  if (table) blocks.push(markdownTable(rng));
  return `${blocks.join("\n\n")}\n`;
}

function sentence(rng: Prng, min: number, max: number): string {
  const n = rng.int(min, max);
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  const first = words[0] as string;
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(" ")}${rng.chance(0.1) ? "?" : "."}`;
}

/** A paragraph of three to six sentences, some words marked up. */
function paragraph(rng: Prng, ids: readonly number[]): { text: string; words: number } {
  const sentences = Array.from({ length: rng.int(3, 6) }, () => sentence(rng, 6, 16));
  let words = 0;
  const marked = sentences.map((s) => {
    const parts = s.split(" ");
    words += parts.length;
    const i = rng.int(1, parts.length - 1);
    const w = parts[i] as string;
    if (/[.?]$/.test(w)) return s;
    const roll = rng.next();
    if (roll < 0.12) parts[i] = `*${w}*`;
    else if (roll < 0.18) parts[i] = `**${w}**`;
    else if (roll < 0.24) parts[i] = `\`${w}_${rng.int(1, 99)}\``;
    else if (roll < 0.32) parts[i] = `[${w}](https://example.com/${w}/${rng.int(1, 999)})`;
    else if (roll < 0.35 && ids.length > 0) parts[i] = `[${w}](${rng.pick(ids)})`;
    return parts.join(" ");
  });
  return { text: marked.join(" "), words };
}

function list(rng: Prng, marker: string): { text: string; words: number } {
  const items = Array.from({ length: rng.int(3, 6) }, () => sentence(rng, 3, 9));
  const words = items.reduce((n, s) => n + s.split(" ").length, 0);
  return { text: items.map((s) => `${marker}${s}`).join("\n"), words };
}

function markdownTable(rng: Prng): string {
  const head = `| ${rng.pick(TITLE_WORDS)} | ${rng.pick(TITLE_WORDS)} | Count |`;
  const rows = Array.from(
    { length: rng.int(3, 6) },
    () => `| ${rng.pick(WORDS)} ${rng.pick(WORDS)} | *${rng.pick(WORDS)}* | ${rng.int(1, 5000)} |`,
  );
  return [head, "|---|---|--:|", ...rows].join("\n");
}

/** A fenced block in one of several languages, with names varied so no two are alike. */
function fencedCode(rng: Prng): string {
  const lang = rng.pick(LANGUAGES);
  const name = `${rng.pick(WORDS)}_${rng.pick(WORDS)}`.replace(/[^a-z_]/g, "");
  const n = rng.int(2, 90);
  const bodies: Record<(typeof LANGUAGES)[number], string> = {
    js: `export function ${name}(items) {\n  const seen = new Map();\n  for (const item of items) {\n    seen.set(item.id, (seen.get(item.id) ?? 0) + ${n});\n  }\n  return [...seen.entries()].filter(([, count]) => count > 1);\n}`,
    ts: `interface Record_${n} {\n  id: number;\n  title: string;\n}\n\nexport const ${name} = (rows: Record_${n}[]): string[] =>\n  rows.filter((r) => r.id % ${n} === 0).map((r) => r.title.trim());`,
    python: `def ${name}(path, limit=${n}):\n    """Read at most \`limit\` lines."""\n    with open(path, encoding="utf-8") as f:\n        for i, line in enumerate(f):\n            if i >= limit:\n                break\n            yield line.rstrip("\\n")`,
    rust: `fn ${name}(values: &[u32]) -> Option<u32> {\n    let total: u32 = values.iter().copied().filter(|v| v % ${n} == 0).sum();\n    if total > 0 { Some(total) } else { None }\n}`,
    sh: `#!/bin/sh\nset -eu\nfor f in content/*/*.md; do\n  grep -c '^Tag:' "$f" || true\ndone | sort -n | tail -${n}`,
    toml: `[site]\ntitle = "${name}"\ntimezone = "Europe/Lisbon"\n\n[view]\ncount = ${n}`,
    go: `func ${name}(xs []int) (sum int) {\n\tfor _, x := range xs {\n\t\tif x%${n} == 0 {\n\t\t\tsum += x\n\t\t}\n\t}\n\treturn\n}`,
    css: `.${name.replace(/_/g, "-")} {\n  max-width: ${n}rem;\n  margin: 0 auto;\n  color: light-dark(#222, #eee);\n}`,
  };
  return `\`\`\`${lang}\n${bodies[lang]}\n\`\`\``;
}
