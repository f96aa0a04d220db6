/** Rendition names a store accepts, and the content type a name implies. */
import { describe, expect, it } from "vitest";
import { assertRenditionName, contentTypeFor, isRenditionName } from "../../src/store/index.js";
import { HOSTILE_NAMES } from "./rendition-store.case.js";

describe("rendition names", () => {
  it("accepts the names the image pipeline produces", () => {
    for (const name of [
      "photo_3f9a1c2b_640x480.jpg",
      "IMG-0042_ab_1280x960.webp",
      "a.b-c_d.avif",
      "x".repeat(200),
    ]) {
      expect(isRenditionName(name), name).toBe(true);
      expect(() => assertRenditionName(name)).not.toThrow();
    }
  });

  it("refuses traversal, separators, control characters, hidden and over-long names", () => {
    for (const name of HOSTILE_NAMES) {
      expect(isRenditionName(name), JSON.stringify(name)).toBe(false);
      expect(() => assertRenditionName(name)).toThrow(
        expect.objectContaining({ code: "E_STORE", field: "name" }),
      );
    }
  });

  it("maps extensions to content types, whatever their case", () => {
    expect(contentTypeFor("a.JPG")).toBe("image/jpeg");
    expect(contentTypeFor("a.webp")).toBe("image/webp");
    expect(contentTypeFor("a.gif")).toBe("image/gif");
    expect(contentTypeFor("noextension")).toBe("application/octet-stream");
    expect(contentTypeFor("a.exe")).toBe("application/octet-stream");
  });
});
