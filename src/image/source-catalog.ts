/** Source images under content/: their hash, format and oriented size, cached by path + inode + mtime + size. */
import { createHash } from "node:crypto";
import { readFileSync, statSync, type Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { QuireError } from "../errors.js";
import { probeHeader, type HeaderInfo } from "./header-probe.js";
import { probeImage } from "./pipeline.js";
import { DEFAULT_LIMITS, type RecipeLimits } from "./recipe.js";
import { SingleFlight } from "./single-flight.js";
import { isSafeSourcePath, resolveSource } from "./source-path.js";
import { resolveInside, siteRoots, type SiteRoots } from "../content/site-roots.js";

/** A source image as the planner sees it. */
export interface SourceInfo extends HeaderInfo {
  /** Path relative to content/. */
  path: string;
  /** SHA-256 of the file's bytes, hex. */
  hash: string;
  bytes: number;
}

/** Files larger than this are not read at all (no real photo is this big; a hostile file might be). */
const MAX_SOURCE_BYTES = 200 * 1024 * 1024;

/** Reads and describes source images under one content folder, remembering what it learnt until a file changes. */
export class SourceCatalog {
  private readonly cache = new Map<string, { key: string; info: SourceInfo }>();
  private readonly loads = new SingleFlight<string, { info: SourceInfo; bytes: Buffer }>();

  private readonly roots: SiteRoots;

  constructor(
    private readonly contentDir: string,
    private readonly limits: RecipeLimits = DEFAULT_LIMITS,
    private readonly maxEntries = 10_000,
  ) {
    this.roots = siteRoots(contentDir);
  }

  /** The file a source path names; a symlink that leads outside the site's folders is refused like `..`. */
  private resolve(path: string): string {
    const full = resolveSource(this.contentDir, path);
    const found = resolveInside(full, this.roots);
    if (found && "outside" in found)
      throw new QuireError(
        "E_IMAGE_SPEC",
        `Image source path ${JSON.stringify(path)} links outside the site`,
        {
          field: "path",
        },
      );
    return full;
  }

  /** True when the content-relative path names a readable regular file inside content/. */
  exists(path: string): boolean {
    if (!isSafeSourcePath(path)) return false;
    try {
      return statSync(this.resolve(path)).isFile();
    } catch {
      return false;
    }
  }

  /** The source's info, from cache when the file is unchanged, else read and probed with libvips. */
  async describe(path: string): Promise<SourceInfo> {
    const full = this.resolve(path);
    const cached = this.cached(path, await this.statChecked(full, path));
    return cached ?? (await this.load(path)).info;
  }

  /** The same, synchronously (header probe instead of libvips) for renderers that cannot wait. */
  describeSync(path: string): SourceInfo {
    const full = this.resolve(path);
    const stats = this.statCheckedSync(full, path);
    const cached = this.cached(path, stats);
    if (cached) return cached;
    const bytes = this.read(() => readFileSync(full), path);
    const header = probeHeader(bytes);
    if (!header)
      throw new QuireError(
        "E_IMAGE_DECODE",
        `${path}: not an image Quire can read (JPEG, PNG, WebP, GIF, AVIF, SVG)`,
      );
    this.checkPixels(header, path);
    return this.remember(path, stats, { ...header, path, hash: sha256(bytes), bytes: bytes.length });
  }

  /** The source's bytes and info (one read per path at a time, shared by concurrent callers). */
  load(path: string): Promise<{ info: SourceInfo; bytes: Buffer }> {
    return this.loads.run(path, async () => {
      const full = this.resolve(path);
      const stats = await this.statChecked(full, path);
      const bytes = await this.readAsync(full, path);
      const cached = this.cached(path, stats);
      if (cached) return { info: cached, bytes };
      const header = await probeImage(bytes, this.limits, path);
      this.checkPixels(header, path);
      return {
        info: this.remember(path, stats, { ...header, path, hash: sha256(bytes), bytes: bytes.length }),
        bytes,
      };
    });
  }

  private cached(path: string, stats: Stats): SourceInfo | null {
    const hit = this.cache.get(path);
    if (!hit || hit.key !== statKey(stats)) return null;
    // Re-insert so the Map's order is least-recently-used first.
    this.cache.delete(path);
    this.cache.set(path, hit);
    return hit.info;
  }

  private remember(path: string, stats: Stats, info: SourceInfo): SourceInfo {
    this.cache.delete(path);
    this.cache.set(path, { key: statKey(stats), info });
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    return info;
  }

  private checkPixels(header: HeaderInfo, path: string): void {
    if (header.format !== "svg" && header.width * header.height > this.limits.maxInputPixels) {
      throw new QuireError(
        "E_IMAGE_TOO_LARGE",
        `${path}: ${header.width}×${header.height} is more pixels than the limit allows`,
      );
    }
  }

  private statCheckedSync(full: string, path: string): Stats {
    let s: Stats;
    try {
      s = statSync(full);
    } catch (err) {
      throw notFound(path, err);
    }
    return checkStats(s, path);
  }

  private async statChecked(full: string, path: string): Promise<Stats> {
    let s: Stats;
    try {
      s = await stat(full);
    } catch (err) {
      throw notFound(path, err);
    }
    return checkStats(s, path);
  }

  private read(readFn: () => Buffer, path: string): Buffer {
    try {
      return readFn();
    } catch (err) {
      throw notFound(path, err);
    }
  }

  private async readAsync(full: string, path: string): Promise<Buffer> {
    try {
      return await readFile(full);
    } catch (err) {
      throw notFound(path, err);
    }
  }
}

function checkStats(s: Stats, path: string): Stats {
  if (!s.isFile()) throw notFound(path);
  if (s.size > MAX_SOURCE_BYTES)
    throw new QuireError("E_IMAGE_TOO_LARGE", `${path}: the file is larger than ${MAX_SOURCE_BYTES} bytes`);
  return s;
}

function statKey(s: Stats): string {
  return `${s.ino}:${s.mtimeMs}:${s.size}`;
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function notFound(path: string, cause?: unknown): QuireError {
  return new QuireError(
    "E_IMAGE_NOT_FOUND",
    `Image not found: ${path}`,
    cause === undefined ? {} : { cause },
  );
}
