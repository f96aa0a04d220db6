/** The messages between `quire serve`'s main thread and its rendering threads. */
import type { Page } from "../http/pages.js";

/** What every rendering thread is started with: enough to open the same site as the main thread. */
export interface RenderThreadSetup {
  site: string;
  dataDir: string;
  env: Record<string, string | undefined>;
  logLevel: string;
  /**
   * Run at the lowest OS priority (Linux only): a thread that takes only the pages over the main thread's budget
   * then gets the CPU the main thread does not want, so a hostile page cannot slow every other request.
   */
  lowPriority?: boolean;
}

/** A request to a rendering thread. */
export type RenderThreadRequest =
  | { type: "init"; setup: RenderThreadSetup }
  /** The index or the templates changed: forget what was read from them. */
  | { type: "invalidate" }
  | { type: "render"; id: number; path: string; search: string; now: number; accept?: string | undefined };

/** What a render comes back as: a page (any status), or a redirect the router found. */
export type RenderAnswer =
  { kind: "page"; page: Page } | { kind: "redirect"; location: string; status: 301 | 302 };

/** A rendering thread's reply. */
export type RenderThreadReply =
  /** Started; `tid` is the thread's id in the OS where known (Linux). */
  { ready: true; tid: number | null } | { id: number; answer: RenderAnswer } | { id: number; error: string };
