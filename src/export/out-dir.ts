/** The output folder of `quire build`: never inside the site's own folders, and emptied only when an earlier
 *  build made it (it holds the `.quire-build` marker). */
import { existsSync, readdirSync, rmSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { relative, resolve, isAbsolute, sep } from "node:path";
import { QuireError } from "../errors.js";
import type { SitePaths } from "../config/site.js";

/** The marker (and manifest) every build leaves at the top of its output. */
export const BUILD_MARKER = ".quire-build";

/** True when `child` is `parent` or inside it. */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

/** Checks that the output folder is a safe place to write and returns its absolute path. */
export function checkOutDir(out: string, paths: SitePaths): string {
  const abs = resolve(out);
  const refuse = (why: string): never => {
    throw new QuireError("E_CONFIG", `refusing to build into ${abs}: ${why} (choose another --out)`, {
      field: "--out",
    });
  };
  if (isWithin(abs, paths.root)) refuse("it is the site folder or contains it");
  if (isWithin(abs, paths.dataDir)) refuse("it contains the data folder");
  for (const [name, dir] of [
    ["content/", paths.contentDir],
    ["templates/", paths.templatesDir],
    ["static/", paths.staticDir],
    ["the data folder", paths.dataDir],
  ] as const) {
    if (isWithin(dir, abs)) refuse(`it is inside ${name}`);
  }
  return abs;
}

/**
 * Makes the output folder ready and empty. A folder that exists must be empty or hold the marker of an
 * earlier build; anything else is refused, so a mistyped --out never deletes someone's files.
 */
export function prepareOutDir(abs: string): void {
  try {
    emptyOutDir(abs);
  } catch (err) {
    if (err instanceof QuireError) throw err;
    throw new QuireError(
      "E_CONFIG",
      `cannot write to ${abs}: ${(err as Error).message} (choose another --out)`,
      {
        field: "--out",
        cause: err,
      },
    );
  }
}

function emptyOutDir(abs: string): void {
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) {
      throw new QuireError("E_CONFIG", `${abs} exists and is not a folder (choose another --out)`, {
        field: "--out",
      });
    }
    const names = readdirSync(abs);
    if (names.length > 0 && !names.includes(BUILD_MARKER)) {
      throw new QuireError(
        "E_CONFIG",
        `${abs} is not empty and was not made by quire build (no ${BUILD_MARKER} in it); empty it or choose another --out`,
        { field: "--out" },
      );
    }
    // Empty it rather than remove it: it may be a mount point or a folder a web server points at.
    for (const name of names) rmSync(`${abs}/${name}`, { recursive: true, force: true });
  }
  mkdirSync(abs, { recursive: true });
  // Marked at once, so an interrupted build can still be cleaned by the next one.
  writeFileSync(`${abs}/${BUILD_MARKER}`, "{}\n");
}
