/** Where pages render: here under a short time budget, or on rendering threads (page-renderer.ts, render-threads.ts). */
export { PageRenderer, type PageJob } from "./page-renderer.js";
export { RenderThreads, type RenderThreadsOptions, type RenderJob } from "./render-threads.js";
export type { RenderAnswer, RenderThreadSetup } from "./protocol.js";
