/** Reading V8 `.cpuprofile` files (from `node --cpu-prof`) into where the self time went: by area, file and function. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time of one key, and its share of the busy (non-idle) time. */
export interface Share {
  key: string;
  selfMs: number;
  share: number;
}

/** Self time summed three ways; idle time is left out of the shares and reported on its own. */
export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  areas: Share[];
  files: Share[];
  functions: Share[];
}

/** Summarises every profile in `dir` (a server writes one per thread); paths relative to `root`. */
export function summariseProfiles(dir: string, root: string, top = 15): ProfileSummary {
  const areas = new Map<string, number>();
  const files = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i] as number);
      // A sample lasts until the next one.
      const us = deltas[i + 1] ?? 0;
      if (!node) continue;
      const frame = node.callFrame;
      const name = frame.functionName || "(anonymous)";
      if (name === "(idle)") {
        idleUs += us;
        continue;
      }
      busyUs += us;
      const path = frame.url ? shorten(frame.url, root) : "";
      add(areas, areaOf(path, name), us);
      add(files, path || name, us);
      add(functions, path ? `${name}  ${path}:${frame.lineNumber + 1}` : name, us);
    }
  }
  const rank = (map: Map<string, number>): Share[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({ key, selfMs: us / 1000, share: busyUs ? us / busyUs : 0 }));
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    areas: rank(areas),
    files: rank(files),
    functions: rank(functions),
  };
}

/** A coarse owner for a frame: a Quire folder, an npm package, Node's HTTP stack, or a V8/native bucket. */
function areaOf(path: string, name: string): string {
  if (!path) {
    if (name === "(garbage collector)" || name === "(program)") return name;
    if (name.startsWith("RegExp: ")) return "regular expressions";
    // Nunjucks compiles templates with `new Function`, so their frames have no URL.
    if (name === "root" || /^b_/.test(name)) return "compiled templates";
    return "native (sockets, syscalls, addons)";
  }
  const dist = /^dist\/([^/]+)\//.exec(path);
  if (dist) return `quire ${dist[1]}/`;
  if (/^dist\//.test(path)) return "quire (top level)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (pkg) return pkg[1] as string;
  if (/^node:_?http/.test(path) || /^node:_http/.test(path)) return "node http";
  if (path.startsWith("node:")) return "node core";
  return path;
}

function shorten(url: string, root: string): string {
  const path = url.startsWith("file://") ? decodeURIComponent(url.slice("file://".length)) : url;
  return path.startsWith(root) ? relative(root, path) : path;
}

/** Prints a profile summary: where the busy time went, by area, by file and by function. */
export function printProfileSummary(dir: string, root: string, top = 12): void {
  const s = summariseProfiles(dir, root, top);
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`.padStart(6);
  const out = (title: string, rows: Share[]) => {
    process.stdout.write(`\n${title}:\n`);
    for (const r of rows) process.stdout.write(`  ${pct(r.share)}  ${r.key}\n`);
  };
  process.stdout.write(
    `profiles in ${dir}: ${Math.round(s.busyMs)} ms busy, ${Math.round(s.idleMs)} ms idle\n`,
  );
  out("busy time by area", s.areas);
  out("by file", s.files);
  out("by function", s.functions);
}
