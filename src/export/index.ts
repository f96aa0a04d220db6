/** Static export: `quire build` writes a site as plain files for any static host. */
export { buildSite, type BuildOptions, type BuildSummary } from "./build.js";
export { describeProblem, type BuildProblem } from "./results.js";
export { progressReporter, silentProgress, type ProgressReporter } from "./progress.js";
export {
  rewritePage,
  unsignRenditions,
  type RewriteOptions,
  type RewriteResult,
  type RenditionRef,
} from "./links.js";
export { mapViewUrl, viewStaticPath, tagSegment, pageFiles, redirectFile, TAG_SEPARATOR } from "./url-map.js";
export { PageRenderer, type PageJob, type PageResult } from "./page-renderer.js";
export { BUILD_MARKER } from "./out-dir.js";
