import { createHash } from "node:crypto";
import { describe, it, expect } from "vitest";
import { assignIds, derivedEntryId, derivedUuid, DERIVED_ID_MIN, DERIVED_ID_SPAN } from "../../src/content/entry-id.js";

const claim = (file: string, entryId: number | null = null, uuid: string | null = null) => ({ file, entryId, uuid });

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("derived entry IDs", () => {
  it("are seven-digit numbers that depend only on the path", () => {
    const id = derivedEntryId("blog/hello-world.md");
    expect(id).toBeGreaterThanOrEqual(DERIVED_ID_MIN);
    expect(id).toBeLessThan(DERIVED_ID_MIN + DERIVED_ID_SPAN);
    expect(String(id)).toMatch(/^\d{7}$/);
    expect(derivedEntryId("blog/hello-world.md")).toBe(id);
    expect(derivedEntryId("blog/hello-world2.md")).not.toBe(id);
  });

  it("never change from one Quire version to the next (they are in every permalink)", () => {
    // Values from the first release's derivation: SHA-256 of the path, first 8 bytes mod 9,000,000.
    expect(derivedEntryId("blog/hello-world.md")).toBe(1911330);
    expect(derivedEntryId("notes/x.md")).toBe(9942238);
    expect(derivedEntryId("a/b/c/d.markdown")).toBe(1288285);
    expect(derivedEntryId("caf\u00e9.md")).toBe(9959879);
    expect(derivedEntryId("blog/hello-world.md", 3)).toBe(1394160);
    expect(derivedEntryId("notes/x.md", 3)).toBe(6666720);
    for (let i = 0; i < 2000; i++) {
      const path = `c${i % 7}/entry-${i}.md`;
      const digest = createHash("sha256").update(path).digest();
      const expected = DERIVED_ID_MIN + Number(digest.readBigUInt64BE(0) % BigInt(DERIVED_ID_SPAN));
      expect(derivedEntryId(path)).toBe(expected);
    }
  });

  it("treat NFC and NFD spellings of a path as the same path", () => {
    expect(derivedEntryId("blog/cafe\u0301.md")).toBe(derivedEntryId("blog/caf\u00e9.md"));
  });

  it("give the same IDs whatever the scan order", () => {
    const files = Array.from({ length: 200 }, (_, i) => claim(`cat${i % 7}/entry-${i}.md`));
    const a = assignIds(files).ids;
    const b = assignIds(shuffle(files, 42)).ids;
    for (const f of files) expect(b.get(f.file)).toEqual(a.get(f.file));
  });

  it("keep every existing ID when 100 unrelated files are added", () => {
    const files = Array.from({ length: 300 }, (_, i) => claim(`blog/post-${i}.md`));
    const before = assignIds(files).ids;
    const more = Array.from({ length: 100 }, (_, i) => claim(`notes/new-${i}.md`));
    const after = assignIds([...more, ...files]).ids;
    for (const f of files) expect(after.get(f.file)!.id).toBe(before.get(f.file)!.id);
  });

  it("resolve a collision deterministically: the earlier path keeps the ID, the later probes on", () => {
    const taken = derivedEntryId("a.md");
    // An explicit Entry-ID equal to another file's derived ID wins; the derived one moves.
    const { ids } = assignIds([claim("a.md"), claim("b.md", taken)]);
    expect(ids.get("b.md")!.id).toBe(taken);
    expect(ids.get("a.md")!.id).toBe(derivedEntryId("a.md", 1));
    const again = assignIds([claim("b.md", taken), claim("a.md")]).ids;
    expect(again.get("a.md")!.id).toBe(ids.get("a.md")!.id);
  });
});

describe("explicit IDs and UUIDs", () => {
  it("are kept as written", () => {
    const { ids, problems } = assignIds([claim("x.md", 42, "0B5E2B64-7C3A-4E0A-9E0F-2B0F4C9C1A11")]);
    expect(ids.get("x.md")).toEqual({ id: 42, uuid: "0b5e2b64-7c3a-4e0a-9e0f-2b0f4c9c1a11", derived: false });
    expect(problems).toEqual([]);
  });

  it("duplicate Entry-ID: the later path loses and both files are reported", () => {
    const { ids, problems } = assignIds([claim("z/late.md", 7), claim("a/early.md", 7)]);
    expect(ids.get("a/early.md")!.id).toBe(7);
    expect(ids.get("z/late.md")!.id).toBe(derivedEntryId("z/late.md"));
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ["E_ENTRY_DUPLICATE_ID", "content/z/late.md"],
      ["E_ENTRY_DUPLICATE_ID", "content/a/early.md"],
    ]);
    expect(problems[0]!.describe()).toContain("content/a/early.md");
  });

  it("duplicate UUID: the later path gets a derived UUID and both files are reported", () => {
    const u = "0b5e2b64-7c3a-4e0a-9e0f-2b0f4c9c1a11";
    const { ids, problems } = assignIds([claim("b.md", 1, u), claim("a.md", 2, u)]);
    expect(ids.get("a.md")!.uuid).toBe(u);
    expect(ids.get("b.md")!.uuid).toBe(derivedUuid("b.md"));
    expect(problems.map((p) => p.code)).toEqual(["E_ENTRY_DUPLICATE_UUID", "E_ENTRY_DUPLICATE_UUID"]);
  });

  it("derived UUIDs are valid version-5-layout UUIDs and stable", () => {
    expect(derivedUuid("blog/a.md")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid("blog/a.md")).toBe(derivedUuid("blog/a.md"));
  });
});

describe("derived UUIDs that are already claimed", () => {
  it("keep probing until a free one is found (an entry never waits forever)", () => {
    // a1.md and a2.md (which come first) claim, by header, the UUIDs b.md would derive on its first two attempts.
    const { ids, problems } = assignIds([
      claim("a1.md", null, derivedUuid("b.md")),
      claim("b.md"),
      claim("a2.md", null, derivedUuid("b.md#")),
    ]);
    expect(problems).toEqual([]);
    const b = ids.get("b.md")!.uuid;
    expect(b).toBe(derivedUuid("b.md#2"));
    expect(new Set([...ids.values()].map((a) => a.uuid)).size).toBe(3);
  });

  it("use a precomputed candidate exactly as if it had been derived here", () => {
    const plain = assignIds([claim("x.md"), claim("y.md", 5)]);
    const given = assignIds([
      { ...claim("x.md"), derivedId: derivedEntryId("x.md"), derivedUuid: derivedUuid("x.md") },
      claim("y.md", 5),
    ]);
    expect([...given.ids]).toEqual([...plain.ids]);
  });
});
