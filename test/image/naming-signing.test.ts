/** Rendition names are content-addressed and readable; URLs are signed, and tampering, oversize or traversal is refused cheaply. */
import { describe, expect, it } from "vitest";
import { QuireError } from "../../src/errors.js";
import { isRenditionName } from "../../src/store/rendition-name.js";
import { RENDITION_NAME, renditionName, sourceSlug } from "../../src/image/naming.js";
import { planRecipe, type SourceImage } from "../../src/image/recipe.js";
import {
  encodeSpec,
  queryParts,
  renditionUrl,
  signSpec,
  verifyRenditionUrl,
  type RenditionSpec,
} from "../../src/image/signing.js";
import { candidatePaths, resolveSource, validateSourcePath } from "../../src/image/source-path.js";

const source: SourceImage = { format: "jpeg", width: 4000, height: 3000, pages: 1 };
const hash = "a".repeat(64);
const SECRET = "s3cret";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof QuireError) return err.code;
    throw err;
  }
  return "no error";
}

describe("renditionName", () => {
  it("reads <slug>_<hash10>_<W>x<H>.<ext> and is valid for every store", () => {
    const name = renditionName("blog/Summer Holiday (2).JPG", hash, planRecipe(source, { width: 640 }, 1));
    expect(name).toMatch(/^summer-holiday-2_[0-9a-f]{10}_640x480\.jpg$/);
    expect(RENDITION_NAME.test(name)).toBe(true);
    expect(isRenditionName(name)).toBe(true);
  });

  it("depends on the source bytes, the pixel-affecting arguments, and the format — and nothing else", () => {
    const base = renditionName("a.jpg", hash, planRecipe(source, { width: 640 }, 1));
    expect(renditionName("a.jpg", "b".repeat(64), planRecipe(source, { width: 640 }, 1))).not.toBe(base);
    expect(renditionName("a.jpg", hash, planRecipe(source, { width: 640, quality: 50 }, 1))).not.toBe(base);
    expect(renditionName("a.jpg", hash, planRecipe(source, { width: 640, format: "webp" }, 1))).not.toBe(
      base,
    );
    // Same pixels however they were asked for: same name.
    expect(renditionName("a.jpg", hash, planRecipe(source, { width: 640, max_width: 2000 }, 1))).toBe(base);
    expect(renditionName("a.jpg", hash, planRecipe(source, { max_width: 640 }, 1))).toBe(base);
  });

  it("fill positions with the same output size get different names", () => {
    const a = renditionName(
      "a.jpg",
      hash,
      planRecipe(source, { width: 100, height: 100, resize: "fill", fill_crop_x: 0 }, 1),
    );
    const b = renditionName(
      "a.jpg",
      hash,
      planRecipe(source, { width: 100, height: 100, resize: "fill", fill_crop_x: 1 }, 1),
    );
    expect(a).not.toBe(b);
  });

  it("slugs fall back to 'image'", () => {
    expect(sourceSlug("photos/日本.jpg")).toBe("image");
    expect(sourceSlug("x/---.png")).toBe("image");
    expect(sourceSlug("Crème Brûlée.jpg")).toBe("creme-brulee");
  });
});

describe("signed URLs", () => {
  const spec: RenditionSpec = { path: "blog/a.jpg", scale: 2, args: { width: 640, format: "webp" } };
  const name = "a_0123456789_1280x960.webp";
  const url = renditionUrl(name, spec, SECRET);
  const parts = () => ({ name, ...queryParts(new URL(url, "http://x").searchParams) });

  it("carries the spec and verifies back to it", () => {
    expect(url.startsWith(`/_img/${name}?s=`)).toBe(true);
    expect(verifyRenditionUrl(parts(), SECRET)).toEqual(spec);
    expect(renditionUrl(name, spec, SECRET, "https://example.com/")).toBe(`https://example.com${url}`);
  });

  it("reads the query from strings and parsed objects alike", () => {
    const query = url.slice(url.indexOf("?"));
    expect(queryParts(query)).toEqual(queryParts({ s: [parts().s], sig: parts().sig }));
  });

  it("refuses a different secret, a changed spec, a swapped name, or no signature", () => {
    const p = parts();
    expect(codeOf(() => verifyRenditionUrl(p, "other"))).toBe("E_IMAGE_SIGNATURE");
    const other = encodeSpec({ ...spec, args: { width: 4000 } });
    expect(codeOf(() => verifyRenditionUrl({ ...p, s: other }, SECRET))).toBe("E_IMAGE_SIGNATURE");
    expect(codeOf(() => verifyRenditionUrl({ ...p, name: "b_0123456789_1280x960.webp" }, SECRET))).toBe(
      "E_IMAGE_SIGNATURE",
    );
    expect(codeOf(() => verifyRenditionUrl({ name }, SECRET))).toBe("E_IMAGE_SIGNATURE");
    expect(codeOf(() => verifyRenditionUrl({ ...p, sig: p.sig!.slice(1) }, SECRET))).toBe(
      "E_IMAGE_SIGNATURE",
    );
  });

  it("refuses an oversized spec before computing any HMAC", () => {
    // Spec characters and a well-formed signature: only the length can refuse it before the signature is
    // computed and compared (which would be refused as "does not match").
    const huge = "A".repeat(100_000);
    let error: unknown;
    try {
      verifyRenditionUrl({ name, s: huge, sig: "x".repeat(43) }, SECRET);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(QuireError);
    expect((error as QuireError).code).toBe("E_IMAGE_SIGNATURE");
    expect((error as QuireError).message).toMatch(/too long/);
    // The same spec cut to a normal length gets as far as the signature check.
    expect(() => verifyRenditionUrl({ name, s: "A".repeat(100), sig: "x".repeat(43) }, SECRET)).toThrow(
      /does not match/,
    );
  });

  it("a correctly signed spec that escapes content/ is still refused", () => {
    for (const path of [
      "../etc/passwd",
      "/etc/passwd",
      "a/../../b.jpg",
      "a\\..\\b.jpg",
      "C:/x.jpg",
      "a//b.jpg",
      "./a.jpg",
    ]) {
      const s = encodeSpec({ path, scale: 1, args: {} });
      expect(
        codeOf(() => verifyRenditionUrl({ name, s, sig: signSpec(name, s, SECRET) }, SECRET)),
        path,
      ).toBe("E_IMAGE_SPEC");
    }
  });

  it("a signed spec with an unknown or invalid argument is refused", () => {
    const s = Buffer.from(JSON.stringify({ p: "a.jpg", x: 1, a: { link: "x" } })).toString("base64url");
    expect(codeOf(() => verifyRenditionUrl({ name, s, sig: signSpec(name, s, SECRET) }, SECRET))).toBe(
      "E_IMAGE_SPEC",
    );
  });
});

describe("source paths", () => {
  it("look in the entry's folder, then the category's, then content/", () => {
    expect(candidatePaths("a.jpg", { entryFile: "blog/2024/post.md", category: "blog" })).toEqual([
      "blog/2024/a.jpg",
      "blog/a.jpg",
      "a.jpg",
    ]);
    expect(candidatePaths("/shared/a.jpg", { entryFile: "blog/post.md" })).toEqual(["shared/a.jpg"]);
    expect(candidatePaths("../shared/a.jpg", { entryFile: "blog/post.md" })).toEqual(["shared/a.jpg"]);
    expect(candidatePaths("../../../etc/passwd", { entryFile: "blog/post.md" })).toEqual([]);
    expect(candidatePaths("a.jpg?v=2#x", {})).toEqual(["a.jpg"]);
  });

  it("never resolve outside content/", () => {
    expect(resolveSource("/srv/site/content", "blog/a.jpg")).toBe("/srv/site/content/blog/a.jpg");
    expect(codeOf(() => resolveSource("/srv/site/content", "../secret"))).toBe("E_IMAGE_SPEC");
    expect(codeOf(() => validateSourcePath(42))).toBe("E_IMAGE_SPEC");
  });
});
