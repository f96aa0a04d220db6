/** Plan and generate one rendition straight through the pipeline (no service), as the tests of real outputs need. */
import { normalizeImageArgs, type ArgMap } from "../../src/image/image-args.js";
import { generateRendition, probeImage } from "../../src/image/pipeline.js";
import { planRecipe, type Recipe } from "../../src/image/recipe.js";
import { pixelArgsFor } from "../../src/image/rendition-service.js";
import { decoded } from "./images.js";

export async function renderBytes(source: Buffer, raw: ArgMap = {}, scale: 1 | 2 = 1) {
  const info = await probeImage(source);
  const recipe: Recipe = planRecipe(info, pixelArgsFor(normalizeImageArgs(raw), scale), scale);
  const out = await generateRendition(source, recipe);
  return { out, recipe, meta: await decoded(out.body) };
}
