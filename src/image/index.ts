/** The image-rendition engine: Publ's image syntax, rendition planning and naming, signed URLs, the sharp pipeline and the service. */
export { parseArgList, type ArgList, type ArgValue } from "./arg-list.js";
export {
  parseImageArgs,
  normalizeImageArgs,
  pickImageArgs,
  isArgKey,
  OUTPUT_FORMATS,
  type ArgMap,
  type ImageArgs,
  type PixelArgs,
  type OutputFormat,
} from "./image-args.js";
export { parseImageSet, parseImageRef, type ImageSet, type ImageRef } from "./image-set.js";
export { imageSyntaxPlugin, IMAGE_SET_TOKEN, type ImageRenderer } from "./markdown-plugin.js";
export { findHtmlImages, rewriteHtmlImages, parseImgTag, type HtmlImage } from "./html-images.js";
export { planGeometry, MAX_OUTPUT_EDGE, type Geometry, type Box } from "./geometry.js";
export { planRecipe, DEFAULT_LIMITS, type Recipe, type RecipeLimits, type SourceImage } from "./recipe.js";
export { renditionName, sourceSlug, contentTypeFor, RENDITION_VERSION, RENDITION_NAME } from "./naming.js";
export {
  renditionUrl,
  verifyRenditionUrl,
  encodeSpec,
  signSpec,
  queryParts,
  RENDITION_PREFIX,
  type RenditionSpec,
  type RenditionUrlParts,
} from "./signing.js";
export {
  candidatePaths,
  pathKind,
  validateSourcePath,
  resolveSource,
  type SearchContext,
} from "./source-path.js";
export { probeHeader, type HeaderInfo } from "./header-probe.js";
export { generateRendition, probeImage, type GeneratedRendition } from "./pipeline.js";
export { restrictDecoders, ALLOWED_LOADERS } from "./decoders.js";
export { SourceCatalog, type SourceInfo } from "./source-catalog.js";
export {
  RenditionService,
  pixelArgsFor,
  type RenditionServiceOptions,
  type RenditionPlan,
  type Rendition,
  type PlanOptions,
  type ServedRendition,
} from "./rendition-service.js";
export {
  renderSetMarkup,
  imageMarkup,
  imgTag,
  cssBackground,
  errorSpan,
  type ResolvedImage,
} from "./html-renderer.js";
export {
  createImageContext,
  fullsizeArgs,
  type ImageContextOptions,
  type ImageRenderContext,
} from "./render-context.js";
export { templateImage, type TemplateImage, type TemplateImageOptions } from "./template-image.js";
