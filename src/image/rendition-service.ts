/**
 * The rendition service: plans signed, content-addressed rendition URLs for pages, and serves them — from the store
 * when present, otherwise regenerated from the URL alone (one job per name, bounded concurrency) and stored.
 */
import { availableParallelism } from "node:os";
import { QuireError } from "../errors.js";
import type { Logger } from "../log.js";
import type { RenditionStore } from "../store/rendition-store.js";
import { PIXEL_CHECKS, type ImageArgs, type PixelArgs } from "./image-args.js";
import { renditionName, RENDITION_NAME } from "./naming.js";
import { checkColour, generateRendition } from "./pipeline.js";
import { DEFAULT_LIMITS, planRecipe, recipeSize, type RecipeLimits } from "./recipe.js";
import { queryParts, renditionUrl, verifyRenditionUrl, type RenditionSpec } from "./signing.js";
import { SingleFlight, Semaphore } from "./single-flight.js";
import { COSTLY_RENDITION, renditionCost } from "./cost.js";
import { SourceCatalog, type SourceInfo } from "./source-catalog.js";
import { EncoderProcesses } from "./encoder-process.js";

export interface RenditionServiceOptions {
  store: RenditionStore;
  /** The site's content folder; source paths in specs are relative to it. */
  contentDir: string;
  /** The site secret that signs rendition URLs (QUIRE_SECRET). */
  secret: string | Buffer;
  logger: Logger;
  /** Generations allowed at once (default: the number of cores). */
  concurrency?: number;
  /** Prefix for absolute URLs, e.g. `https://example.com`. */
  baseUrl?: string;
  maxInputPixels?: number;
  maxOutputEdge?: number;
  /** How long one rendition may take to make before it is stopped and answered 503 (default 20 s). */
  budgetMs?: number;
}

/** One rendition of a plan: where it is and how big. */
export interface Rendition {
  name: string;
  url: string;
  width: number;
  height: number;
}

/** The 1x rendition and, when it differs, the 2x one, for one source and argument set. */
export interface RenditionPlan {
  /** Source path relative to content/. */
  path: string;
  source: SourceInfo;
  /** Display size (the 1x rendition's size). */
  width: number;
  height: number;
  x1: Rendition;
  x2: Rendition | null;
}

export interface PlanOptions {
  /** Overrides the service's base URL. */
  baseUrl?: string;
  /** Prefix URLs with the base URL. */
  absolute?: boolean;
}

/** A rendition ready to send. `immutable` is false when the source changed since the URL was made. */
export interface ServedRendition {
  name: string;
  body: Buffer;
  contentType: string;
  etag: string;
  immutable: boolean;
  /** True when this request generated the bytes (a store miss). */
  generated: boolean;
  /** For SVG passthroughs: send this Content-Security-Policy so scripts inside never run. */
  contentSecurityPolicy?: string;
}

const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/** Plans and serves renditions for one site (one content folder, one store, one secret). */
export class RenditionService {
  readonly catalog: SourceCatalog;
  private readonly store: RenditionStore;
  private readonly secret: string | Buffer;
  private readonly logger: Logger;
  private readonly baseUrl: string;
  private readonly limits: RecipeLimits;
  private readonly jobs = new SingleFlight<string, ServedRendition>();
  /** Cheap renditions and costly ones queue apart: a thumbnail never waits for a 4096² AVIF. */
  private readonly slots: Semaphore;
  private readonly costlySlots: Semaphore;
  private readonly budgetSeconds: number;
  private readonly budgetMs: number;
  /** Costly renditions run in processes that the budget and `stop` can kill. */
  readonly encoders = new EncoderProcesses();
  private stopped = false;
  /** Requests waiting for a generation, to answer at once if the server stops. */
  private readonly waiters = new Set<() => void>();
  private readonly goodColours = new Set<string>();
  private generationCount = 0;

  constructor(options: RenditionServiceOptions) {
    if (!options.secret || options.secret.length === 0) {
      throw new QuireError("E_CONFIG", "A site secret is required to sign image URLs (set QUIRE_SECRET)", {
        field: "secret",
      });
    }
    this.store = options.store;
    this.secret = options.secret;
    this.logger = options.logger;
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    this.limits = {
      maxInputPixels: options.maxInputPixels ?? DEFAULT_LIMITS.maxInputPixels,
      maxOutputEdge: options.maxOutputEdge ?? DEFAULT_LIMITS.maxOutputEdge,
    };
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? availableParallelism()));
    this.slots = new Semaphore(concurrency);
    this.costlySlots = new Semaphore(Math.max(1, Math.floor(concurrency / 2)));
    this.budgetMs = Math.max(1, options.budgetMs ?? 20_000);
    this.budgetSeconds = Math.max(1, Math.ceil(this.budgetMs / 1000));
    this.catalog = new SourceCatalog(options.contentDir, this.limits);
  }

  /** How many renditions this service has generated (store misses that did work). */
  get generations(): number {
    return this.generationCount;
  }

  /** Plan the 1x/2x renditions of a content-relative source (reads and caches the source's hash and size). */
  async plan(sourcePath: string, args: ImageArgs, options: PlanOptions = {}): Promise<RenditionPlan> {
    return this.planFrom(await this.catalog.describe(sourcePath), args, options);
  }

  /** The same, synchronously, for Markdown and template rendering. */
  planSync(sourcePath: string, args: ImageArgs, options: PlanOptions = {}): RenditionPlan {
    return this.planFrom(this.catalog.describeSync(sourcePath), args, options);
  }

  /** True when a content-relative path is a file this service could plan. */
  exists(sourcePath: string): boolean {
    return this.catalog.exists(sourcePath);
  }

  /** Answer a `/_img/<name>` request: the store's copy, else a verified regeneration. */
  async serve(
    name: string,
    query: string | URLSearchParams | Record<string, unknown> | undefined,
  ): Promise<ServedRendition> {
    if (typeof name !== "string" || !RENDITION_NAME.test(name)) {
      throw new QuireError("E_IMAGE_SIGNATURE", "Rendition request refused: the rendition name is malformed");
    }
    const stored = await this.fromStore(name, true);
    if (stored) return stored;
    const spec = verifyRenditionUrl({ name, ...queryParts(query) }, this.secret);
    if (this.stopped) throw stoppingError();
    const job = this.jobs.run(name, () => this.regenerate(name, spec));
    return new Promise<ServedRendition>((resolve, reject) => {
      const onStop = () => reject(stoppingError());
      this.waiters.add(onStop);
      // The reader is answered at the budget whatever the work is doing: a costly rendition's process is
      // killed then too, and a cheap one (libvips heeds its timeout) stops by itself.
      const timer = setTimeout(() => reject(this.timeoutError(spec.path)), this.budgetMs);
      job.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        this.waiters.delete(onStop);
      });
    });
  }

  /**
   * The server is stopping: requests waiting for a rendition are answered 503 at once rather than holding the
   * shutdown up for a slow one, and costly renditions' processes are killed.
   */
  stop(): void {
    this.stopped = true;
    this.encoders.stopAll();
    for (const onStop of this.waiters) onStop();
    this.waiters.clear();
  }

  private timeoutError(path: string): QuireError {
    return new QuireError(
      "E_IMAGE_TIMEOUT",
      `${path}: the rendition took more than ${this.budgetSeconds} s to make; try again later`,
    );
  }

  private planFrom(source: SourceInfo, args: ImageArgs, options: PlanOptions): RenditionPlan {
    const base = options.absolute ? (options.baseUrl ?? this.baseUrl).replace(/\/+$/, "") : "";
    const one = (scale: 1 | 2): Rendition => {
      const pixels = pixelArgsFor(args, scale);
      if (pixels.background) this.checkBackground(pixels.background);
      const recipe = planRecipe(source, pixels, scale, this.limits);
      const name = renditionName(source.path, source.hash, recipe);
      const spec: RenditionSpec = { path: source.path, scale, args: pixels };
      return { name, url: renditionUrl(name, spec, this.secret, base), ...recipeSize(recipe) };
    };
    const x1 = one(1);
    const x2 = one(2);
    return {
      path: source.path,
      source,
      width: x1.width,
      height: x1.height,
      x1,
      x2: x2.name === x1.name ? null : x2,
    };
  }

  private async regenerate(requested: string, spec: RenditionSpec): Promise<ServedRendition> {
    const { info, bytes } = await this.catalog.load(spec.path);
    if (spec.args.background) this.checkBackground(spec.args.background);
    const recipe = planRecipe(info, spec.args, spec.scale, this.limits);
    const name = renditionName(spec.path, info.hash, recipe);
    const current = name === requested;
    if (!current) {
      // The source changed since the page was rendered: serve today's picture, but not as the old immutable name.
      this.logger.info(
        { requested, name, source: spec.path },
        "rendition source changed; serving the current version",
      );
      const stored = await this.fromStore(name, false);
      if (stored) return stored;
    }
    const started = Date.now();
    const costly = renditionCost(recipe, info) > COSTLY_RENDITION;
    const out = await (costly ? this.costlySlots : this.slots).use(() => {
      if (this.stopped) throw stoppingError();
      this.generationCount++;
      return costly
        ? this.encoders.generate(bytes, recipe, this.limits, spec.path, this.budgetMs)
        : generateRendition(bytes, recipe, this.limits, spec.path, this.budgetSeconds);
    });
    this.logger.debug(
      { name, source: spec.path, ms: Date.now() - started, bytes: out.body.length },
      "rendition generated",
    );
    try {
      await this.store.put(name, out.body, out.contentType);
    } catch (err) {
      // The reader still gets the image; the next request will simply regenerate it.
      this.logger.warn({ err, name, store: this.store.label }, "could not store rendition");
    }
    return served(name, out.body, out.contentType, current, true);
  }

  private async fromStore(name: string, immutable: boolean): Promise<ServedRendition | null> {
    try {
      const hit = await this.store.get(name);
      return hit ? served(name, hit.body, hit.contentType, immutable, false) : null;
    } catch (err) {
      this.logger.warn({ err, name, store: this.store.label }, "rendition store read failed; regenerating");
      return null;
    }
  }

  private checkBackground(colour: string): void {
    if (this.goodColours.has(colour)) return;
    checkColour(colour);
    if (this.goodColours.size < 1000) this.goodColours.add(colour);
  }
}

function stoppingError(): QuireError {
  return new QuireError("E_NOT_READY", "the server is stopping; try the image again in a moment");
}

/** The pixel arguments for one density: per-density quality resolved, everything else copied. */
export function pixelArgsFor(args: ImageArgs, scale: 1 | 2): PixelArgs {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(PIXEL_CHECKS) as Array<keyof PixelArgs>) {
    if (args[key] !== undefined) out[key] = args[key];
  }
  const quality = scale === 1 ? (args.quality_ldpi ?? args.quality) : (args.quality_hdpi ?? args.quality);
  if (quality !== undefined) out.quality = quality;
  return out as PixelArgs;
}

function served(
  name: string,
  body: Buffer,
  contentType: string,
  immutable: boolean,
  generated: boolean,
): ServedRendition {
  const result: ServedRendition = { name, body, contentType, etag: `"${name}"`, immutable, generated };
  if (contentType === "image/svg+xml") result.contentSecurityPolicy = SVG_POLICY;
  return result;
}
