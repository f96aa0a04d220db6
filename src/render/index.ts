/** Rendering pages off the main thread, under a time budget (see render-threads.ts). */
export { RenderThreads, type RenderThreadsOptions, type RenderJob } from "./render-threads.js";
export type { RenderAnswer, RenderThreadSetup } from "./protocol.js";
