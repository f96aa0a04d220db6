/** `quire renditions`: generates every rendition the content references, so a deploy step can fill the store before traffic. */
import { Site } from "../site.js";
import { silentLogger } from "../log.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import { plural, type Output } from "./output.js";
import { progressReporter } from "../export/progress.js";
import { formatErrorChain } from "../errors.js";
import type { IndexedEntry } from "../db/index.js";

/** Every `/_img/…` URL (path and query) in a piece of HTML: in `src`, `srcset` and `href` attributes. */
export function renditionUrls(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/\/_img\/[^\s"'<>,]+/g)) out.add(m[0].replace(/&amp;/g, "&"));
  return [...out];
}

/** `quire renditions [--site DIR] [--data DIR] [--json]`: exits 1 if any rendition failed, after trying all. */
export async function renditionsCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseCommand(argv, SITE_OPTIONS, "renditions");
  const site = new Site({
    site: values.site,
    dataDir: values.data,
    logger: silentLogger(),
    inlineIndexer: true,
    cache: false,
  });
  const started = performance.now();
  try {
    await site.start();
    const entries = site.index.db
      .prepare("SELECT id FROM entries WHERE status NOT IN ('DRAFT', 'GONE', 'DELETED', 'ILLEGAL', 'DMCA')")
      .all() as { id: number }[];
    const urls = new Set<string>();
    const failures: string[] = [];
    for (const { id } of entries) {
      const entry = site.index.entryById(id) as IndexedEntry;
      try {
        for (const absolute of [false]) {
          const r = site.content.render(entry, { absolute });
          for (const u of renditionUrls(`${r.body}${r.more ?? ""}`)) urls.add(u);
        }
      } catch (err) {
        failures.push(`content/${entry.file}: ${formatErrorChain(err)}`);
      }
    }
    const list = [...urls];
    const progress = progressReporter({
      write: (t) => process.stderr.write(t),
      tty: Boolean(process.stderr.isTTY),
    });
    let done = 0;
    let generated = 0;
    let bytes = 0;
    const queue = [...list];
    const worker = async () => {
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
        const q = url.indexOf("?");
        const name = decodeURIComponent(url.slice("/_img/".length, q < 0 ? undefined : q));
        try {
          const served = await site.images.service.serve(name, q < 0 ? "" : url.slice(q + 1));
          if (served.generated) generated++;
          bytes += served.body.length;
        } catch (err) {
          failures.push(`${url}: ${formatErrorChain(err)}`);
        }
        progress.update("images", ++done, list.length);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    progress.finish();
    const seconds = (performance.now() - started) / 1000;
    if (values.json) {
      out.json({ renditions: list.length, generated, bytes, failures, seconds: Number(seconds.toFixed(2)) });
    } else {
      for (const f of failures) out.err(`error: ${f}`);
      out.line(
        `${plural(list.length, "rendition")} (${generated} generated, ${list.length - generated} already stored), ${(bytes / 1048576).toFixed(1)} MB, in ${seconds.toFixed(1)} s → ${site.images.label}`,
      );
    }
    return failures.length === 0 ? 0 : 1;
  } finally {
    await site.close();
  }
}
