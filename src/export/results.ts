/** Everything a build learns while it renders: pages written, redirects, renditions and content files to
 *  copy, problems by file, and the figures of the summary. */
import type { PageResult, ImageResult } from "./page-renderer.js";
import type { RenditionRef } from "./links.js";
import type { Redirect } from "./host-files.js";

/** A problem with a page or a file, named by file where one is known. */
export interface BuildProblem {
  file: string | null;
  message: string;
  /** The URL being exported when it happened. */
  url?: string;
}

/** One exported page, as listed in the build manifest. */
export interface ExportedPage {
  /** The URL the server answers with this page. */
  url: string;
  /** The URL a static host answers with it (the same, or the folder that replaces its query string). */
  path: string;
  files: string[];
}

/** Collects the results of a build. */
export class BuildResults {
  readonly pages: ExportedPage[] = [];
  readonly redirects: Redirect[] = [];
  readonly renditions = new Map<string, RenditionRef>();
  private unclaimed: RenditionRef[] = [];
  readonly assets = new Set<string>();
  /** Extensionless files that need a Content-Type from the host (`/feed`). */
  readonly untyped = new Map<string, string>();
  readonly failures: BuildProblem[] = [];
  readonly warnings: BuildProblem[] = [];
  /** URLs that answered 404 (or 400): broken links, unless they were seeds. */
  readonly missing: { key: string; url: string; status: number }[] = [];
  /** Files written, relative to the output folder, with the URL that wrote them. */
  readonly files = new Map<string, string>();
  bytes = 0;
  images = 0;
  copied = 0;

  /** Records one rendered URL. */
  addPage(result: PageResult): void {
    switch (result.kind) {
      case "page":
        for (const file of result.files) {
          const other = this.files.get(file);
          if (other !== undefined) {
            this.failures.push({
              file: null,
              url: result.url,
              message: `${result.url} and ${other} are both written to ${file}`,
            });
          }
          this.files.set(file, result.url);
        }
        this.pages.push({ url: result.url, path: result.key, files: result.files });
        this.bytes += result.bytes;
        if (result.untyped) this.untyped.set(result.untyped.file, result.untyped.type);
        for (const ref of result.renditions) this.addRendition(ref);
        for (const asset of result.assets) this.assets.add(asset);
        break;
      case "redirect":
        this.redirects.push({ from: result.url, to: result.location, status: result.status });
        break;
      case "missing":
        this.missing.push({ key: result.key, url: result.url, status: result.status });
        break;
      case "failed":
        this.failures.push({ file: result.file, url: result.url, message: result.message });
        break;
    }
  }

  /** Records a rendition a page refers to, each name once. */
  addRendition(ref: RenditionRef): void {
    if (this.renditions.has(ref.name)) return;
    this.renditions.set(ref.name, ref);
    this.unclaimed.push(ref);
  }

  /** The renditions recorded since the last call, for the build to have them made. */
  takeNewRenditions(): RenditionRef[] {
    const refs = this.unclaimed;
    this.unclaimed = [];
    return refs;
  }

  /** Records one rendition written (or failed). */
  addImage(result: ImageResult): void {
    if (result.kind === "image") {
      this.images++;
      this.bytes += result.bytes;
    } else {
      this.failures.push({ file: null, url: `/_img/${result.name}`, message: result.message });
    }
  }
}

/** `content/blog/post.md: template failed: … (while exporting /blog/123-post)` */
export function describeProblem(p: BuildProblem): string {
  const where = p.file ? `${p.file}: ` : "";
  const url = p.url && !p.message.includes(p.url) ? ` (while exporting ${p.url})` : "";
  return `${where}${p.message}${url}`;
}
