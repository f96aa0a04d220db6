/** Files a build copies rather than renders: everything under static/, and the content files (`/_file/…`)
 *  that pages link to. */
import { copyFileSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { contentAsset } from "../http/site-files.js";
import { siteRoots } from "../content/site-roots.js";
import type { BuildProblem } from "./results.js";

export interface CopySummary {
  files: number;
  bytes: number;
  problems: BuildProblem[];
}

/** Copies static/ to `<out>/static/`, leaving out dotfiles as the server does. */
export function copyStatic(staticDir: string, outDir: string): CopySummary {
  const summary: CopySummary = { files: 0, bytes: 0, problems: [] };
  const walk = (rel: string): void => {
    let names;
    try {
      names = readdirSync(join(staticDir, rel), { withFileTypes: true });
    } catch {
      return; // no static/ folder
    }
    for (const d of names) {
      if (d.name.startsWith(".")) continue;
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(child);
      else if (d.isFile())
        copyOne(join(staticDir, child), join(outDir, "static", child), `static/${child}`, summary);
    }
  };
  walk("");
  return summary;
}

/** Copies the content files pages refer to (`/_file/<path>`, URL-encoded) to `<out>/_file/<path>`. */
export function copyContentFiles(
  contentDir: string,
  encodedPaths: Iterable<string>,
  outDir: string,
  isPrivate: (rel: string) => boolean = () => false,
): CopySummary {
  const summary: CopySummary = { files: 0, bytes: 0, problems: [] };
  const done = new Set<string>();
  const roots = siteRoots(contentDir);
  for (const encoded of encodedPaths) {
    const source = contentAsset(roots, encoded);
    if (!source) {
      summary.problems.push({
        file: null,
        url: `/_file/${encoded}`,
        message: `/_file/${encoded} is linked but is not a file under content/`,
      });
      continue;
    }
    const rel = decodeURIComponent(encoded);
    if (done.has(rel)) continue;
    done.add(rel);
    // Only private entries refer to it: a static host cannot ask who reads, so it is left out.
    if (isPrivate(rel)) {
      summary.problems.push({
        file: `content/${rel}`,
        url: `/_file/${encoded}`,
        message: `/_file/${encoded} is linked but only private entries refer to it; not exported`,
      });
      continue;
    }
    copyOne(source, join(outDir, "_file", rel), `content/${rel}`, summary);
  }
  return summary;
}

function copyOne(from: string, to: string, name: string, summary: CopySummary): void {
  try {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    summary.files++;
    summary.bytes += statSync(to).size;
  } catch (err) {
    summary.problems.push({ file: name, message: `could not copy: ${(err as Error).message}` });
  }
}
