/** The one RenditionStore contract every backend passes, run against a real disk and a real S3-protocol server. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RenditionStore } from "../../src/store/index.js";

/** Names that must never reach a file system or a bucket key. */
export const HOSTILE_NAMES = [
  "../escape.jpg",
  "..",
  "a/../../escape.jpg",
  "nested/name.jpg",
  "/etc/passwd",
  "back\\slash.jpg",
  "nul\0byte.jpg",
  "",
  ".hidden.jpg",
  "dots..jpg",
  "space name.jpg",
  "%2e%2e%2fescape.jpg",
  "ünïcode.jpg",
  "x".repeat(201) + ".jpg",
];

let counter = 0;
/** A fresh, valid rendition name in the shape the image pipeline produces. */
export function renditionName(ext = "jpg"): string {
  counter++;
  return `photo-${counter}_${randomBytes(6).toString("hex")}_640x480.${ext}`;
}

/** Runs the contract against stores made by `makeStore` (called once per test). */
export function renditionStoreContract(
  label: string,
  makeStore: () => Promise<RenditionStore> | RenditionStore,
): void {
  describe(`RenditionStore contract: ${label}`, () => {
    it("answers null and false for an absent rendition", async () => {
      const store = await makeStore();
      const name = renditionName();
      expect(await store.get(name)).toBeNull();
      expect(await store.has(name)).toBe(false);
    });

    it("gives back exactly the bytes it was given, with their content type", async () => {
      const store = await makeStore();
      const name = renditionName("webp");
      const body = randomBytes(64 * 1024);
      await store.put(name, body, "image/webp");
      const stored = await store.get(name);
      expect(stored).not.toBeNull();
      expect(stored!.body.equals(body)).toBe(true);
      expect(stored!.size).toBe(body.length);
      expect(stored!.contentType).toBe("image/webp");
      expect(await store.has(name)).toBe(true);
    });

    it("keeps renditions of different names apart", async () => {
      const store = await makeStore();
      const [a, b] = [renditionName("png"), renditionName("png")];
      const [bodyA, bodyB] = [randomBytes(1000), randomBytes(2000)];
      await Promise.all([store.put(a, bodyA, "image/png"), store.put(b, bodyB, "image/png")]);
      expect((await store.get(a))!.body.equals(bodyA)).toBe(true);
      expect((await store.get(b))!.body.equals(bodyB)).toBe(true);
    });

    it("round-trips a large (8 MB) rendition byte for byte", async () => {
      const store = await makeStore();
      const name = renditionName("png");
      const body = randomBytes(8 * 1024 * 1024);
      await store.put(name, body, "image/png");
      const stored = await store.get(name);
      expect(stored?.size).toBe(body.length);
      expect(stored!.body.equals(body)).toBe(true);
    });

    it("holds one whole, correct object after 20 concurrent puts of one name", async () => {
      const store = await makeStore();
      const name = renditionName();
      const body = randomBytes(1024 * 1024);
      await Promise.all(Array.from({ length: 20 }, () => store.put(name, Buffer.from(body), "image/jpeg")));
      const stored = await store.get(name);
      expect(stored?.size).toBe(body.length);
      expect(stored!.body.equals(body)).toBe(true);
    });

    it("accepts the same put twice (idempotent)", async () => {
      const store = await makeStore();
      const name = renditionName("gif");
      const body = randomBytes(4096);
      await store.put(name, body, "image/gif");
      await store.put(name, body, "image/gif");
      const stored = await store.get(name);
      expect(stored!.body.equals(body)).toBe(true);
      expect(stored!.contentType).toBe("image/gif");
    });

    it("rejects path-traversal and malformed names with E_STORE on every operation", async () => {
      const store = await makeStore();
      for (const name of HOSTILE_NAMES) {
        await expect(store.put(name, Buffer.from("x"), "image/jpeg"), name).rejects.toMatchObject({
          code: "E_STORE",
        });
        await expect(store.get(name), name).rejects.toMatchObject({ code: "E_STORE" });
        await expect(store.has(name), name).rejects.toMatchObject({ code: "E_STORE" });
        expect(() => store.publicUrl(name), name).toThrow(expect.objectContaining({ code: "E_STORE" }));
      }
    });

    it("answers a public URL naming the rendition, or null", async () => {
      const store = await makeStore();
      const name = renditionName();
      const url = store.publicUrl(name);
      if (url !== null) expect(url.endsWith(`/${name}`)).toBe(true);
    });

    it("keeps a rendition just written when cleaning up", async () => {
      const store = await makeStore();
      const name = renditionName();
      await store.put(name, Buffer.from("fresh"), "image/jpeg");
      expect(await store.cleanup(30)).toBe(0);
      expect((await store.get(name))?.body.toString()).toBe("fresh");
    });
  });
}
