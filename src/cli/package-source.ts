/** Where a new site gets Quire from: the npm package name Quire is published under, and the dependency
 *  that `quire new` writes (a local checkout, a packed tarball, a git URL or a registry version). */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { QuireError } from "../errors.js";

/** The folder this copy of Quire runs from (a checkout, or the package inside a site's node_modules). */
export const QUIRE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const manifest = JSON.parse(readFileSync(join(QUIRE_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
};

/** The name Quire has on the npm registry (`quire` there is another project). */
export const PACKAGE_NAME = manifest.name;

// npm's own spellings of a git dependency.
const GIT_SPEC =
  /^(git\+[a-z]+:|git:|github:|gitlab:|bitbucket:|gist:|ssh:\/\/|git@|https?:\/\/\S+\.git(#.*)?$)/i;
// A version or range on the registry: 0.1.0, ^0.1.0, ~0.1, >=0.1 <1, latest.
const REGISTRY_SPEC = /^(latest|next|[\^~<>=]*\s*v?\d[\w.\-+ <>=|^~*]*)$/;

/**
 * The version spec a new site's package.json gives `PACKAGE_NAME`, for `quire new --from SOURCE`.
 * SOURCE is a Quire folder or `.tgz` (written as a `file:` path relative to the site), a git URL, or a
 * registry version. Without it: this copy's own folder, unless it was itself installed from the registry.
 */
export function quireDependency(siteRoot: string, from?: string): string {
  if (from === undefined) {
    if (QUIRE_ROOT.split(sep).includes("node_modules")) return `^${manifest.version}`;
    return fileSpec(siteRoot, QUIRE_ROOT);
  }
  const path = resolve(from);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) checkQuireFolder(path, from);
    else if (!/\.(tgz|tar\.gz)$/.test(path))
      throw new QuireError(
        "E_USAGE",
        `--from ${from}: a file must be a package tarball (.tgz, from npm pack)`,
      );
    return fileSpec(siteRoot, path);
  }
  if (GIT_SPEC.test(from) || REGISTRY_SPEC.test(from.trim())) return from.trim();
  throw new QuireError(
    "E_USAGE",
    `--from ${from}: not a folder or .tgz here, a git URL (git+https://…, github:owner/repo) or a version (^${manifest.version})`,
  );
}

/** `file:` and the path from the site to `target`, with forward slashes as npm writes them. */
function fileSpec(siteRoot: string, target: string): string {
  const rel = relative(siteRoot, target).split(sep).join("/");
  return `file:${rel === "" ? "." : rel}`;
}

/** A folder given to --from must hold this package, or `npm install` fails later with a vaguer message. */
function checkQuireFolder(path: string, given: string): void {
  let name: unknown;
  try {
    name = (JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as { name?: unknown }).name;
  } catch {
    name = undefined;
  }
  if (name !== PACKAGE_NAME)
    throw new QuireError(
      "E_USAGE",
      `--from ${given}: expected a Quire checkout (a package.json named ${PACKAGE_NAME}), found ${
        typeof name === "string" ? `one named ${name}` : "none"
      }`,
    );
}
