/** Wires renditions into a site: the secret, the store, the Markdown plugin, entry and template hooks, and the `/_img/` route. */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Request, Response } from "express";
import type { Logger } from "../log.js";
import type { QuireConfig } from "../config/schema.js";
import type { SitePaths } from "../config/site.js";
import type { IndexedEntry } from "../db/index.js";
import type { MarkdownPlugin } from "../markdown/index.js";
import type { ImageHooks } from "../template/entry-content.js";
import type { TemplateRuntime } from "../template/runtime.js";
import { entryPath, absoluteUrl } from "../template/urls.js";
import { createRenditionStore, type RenditionStore } from "../store/index.js";
import { RenditionService } from "./rendition-service.js";
import { createImageContext } from "./render-context.js";
import { templateImage } from "./template-image.js";
import { RENDITION_NAME } from "./naming.js";
import { QuireError } from "../errors.js";
import { infraFromEnv } from "../config/env.js";
import { imageSyntaxPlugin } from "./markdown-plugin.js";
import { etagMatches } from "../cache/index.js";

/** What the site needs from the image engine. */
export interface SiteImages {
  readonly label: string;
  /** A digest of the signing secret (never the secret): part of page-cache keys. */
  readonly signingKeyId: string;
  readonly service: RenditionService;
  readonly store: RenditionStore;
  readonly markdownPlugins: MarkdownPlugin[];
  readonly hooks: ImageHooks;
  /** Answers `/_img/<name>?…`. */
  serve(req: Request, res: Response): Promise<void>;
  /** `image(path)` for templates. */
  templateImage(rt: TemplateRuntime, category: string): (path: string) => unknown;
  close(): Promise<void>;
  /** The server is stopping: requests waiting for a rendition are answered 503 at once. */
  stop(): void;
}

interface ImagesSite {
  readonly paths: SitePaths;
  readonly config: QuireConfig;
  readonly logger: Logger;
  readonly baseUrl: string;
  readonly dev: boolean;
}

/**
 * The secret that signs rendition URLs: QUIRE_SECRET, else one generated once and kept in the data folder
 * (fine for one machine; several instances need the same QUIRE_SECRET).
 */
export function siteSecret(dataDir: string, given: string | undefined, logger: Logger, dev: boolean): string {
  if (given) return given;
  const file = join(dataDir, "secret");
  try {
    // An empty file is what a full disk leaves behind: no secret, not an empty one.
    const kept = readFileSync(file, "utf8").trim();
    if (kept) return kept;
    rmSync(file, { force: true });
  } catch {
    // no secret yet
  }
  const secret = randomBytes(32).toString("base64url");
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
  } catch {
    return readFileSyncOr(file, secret);
  }
  if (!dev) {
    logger.warn(
      { file },
      "QUIRE_SECRET is not set: image URLs are signed with a secret generated for this machine; set QUIRE_SECRET so every instance shares it",
    );
  }
  return secret;
}

function readFileSyncOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, "utf8").trim() || fallback;
  } catch {
    return fallback;
  }
}

/** Builds the image engine for a site. */
export function createImages(options: {
  site: ImagesSite;
  env: NodeJS.ProcessEnv;
  secret: string | undefined;
}): SiteImages {
  const { site, env } = options;
  const logger = site.logger;
  const store = createRenditionStore({ env, dataDir: site.paths.dataDir, logger });
  const secret = siteSecret(site.paths.dataDir, options.secret, logger, site.dev);
  const service = new RenditionService({
    store,
    contentDir: site.paths.contentDir,
    secret,
    logger,
    baseUrl: site.baseUrl,
    maxInputPixels: site.config.images.max_input_megapixels * 1_000_000,
    budgetMs: infraFromEnv(env).renditionTimeoutMs,
  });
  const defaults = site.config.images.defaults as Record<string, unknown>;

  const contextFor = (entry: IndexedEntry, absolute: boolean, args?: Readonly<Record<string, unknown>>) =>
    createImageContext(service, {
      entryFile: entry.file,
      category: entry.category,
      // A template's `entry.body(width=320, …)` sets defaults for this rendering over the site's.
      defaults: args ? { ...defaults, ...args } : defaults,
      absolute,
      baseUrl: site.baseUrl,
      entryLink: absolute ? absoluteUrl(site.baseUrl, entryPath(entry)) : entryPath(entry),
      logger,
    });

  const hooks: ImageHooks = {
    contextFor: (entry, absolute, args) => ({ ...contextFor(entry, absolute, args) }),
    rewriteHtml: (html, entry, absolute) => contextFor(entry, absolute).rewriteHtml(html),
  };

  return {
    label: store.label,
    signingKeyId: createHash("sha256").update(`quire:key:${secret}`).digest("base64url").slice(0, 12),
    service,
    store,
    markdownPlugins: [imageSyntaxPlugin],
    hooks,
    async serve(req, res) {
      const name = decodeURIComponent(req.path.slice("/_img/".length));
      const search = req.originalUrl.includes("?")
        ? req.originalUrl.slice(req.originalUrl.indexOf("?") + 1)
        : "";
      // Refuse anything that is not a rendition name before any store sees it (no path can be smuggled in).
      if (!RENDITION_NAME.test(name)) throw new QuireError("E_IMAGE_SIGNATURE", "not a rendition URL");
      const publicUrl = store.publicUrl(name);
      if (publicUrl && (await store.has(name).catch(() => false))) {
        res.redirect(302, publicUrl);
        return;
      }
      const served = await service.serve(name, search);
      res.setHeader("Content-Type", served.contentType);
      res.setHeader("ETag", served.etag);
      res.setHeader(
        "Cache-Control",
        served.immutable ? "public, max-age=31536000, immutable" : "public, max-age=60",
      );
      if (served.contentSecurityPolicy)
        res.setHeader("Content-Security-Policy", served.contentSecurityPolicy);
      if (etagMatches(req.headers["if-none-match"], served.etag)) {
        res.status(304).end();
        return;
      }
      res.status(200).end(req.method === "HEAD" ? undefined : served.body);
    },
    templateImage(rt, category) {
      // As in Publ: `image(path)(width=320)` is a URL; `.get_img_tag(...)` is markup.
      return templateImage(service, {
        category,
        defaults,
        baseUrl: rt.baseUrl,
        logger,
        markSafe: (html) => rt.safe(html),
      });
    },
    stop() {
      service.stop();
    },
    async close() {
      // Stores hold no resources that outlive the process.
    },
  };
}
