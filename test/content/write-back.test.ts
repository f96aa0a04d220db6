import { describe, it, expect, beforeEach } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, statSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stampText, writeBack } from "../../src/content/write-back.js";

const stamp = { entryId: 1234567, uuid: "0b5e2b64-7c3a-4e0a-9e0f-2b0f4c9c1a11", date: "2025-04-01 10:00:00+00:00" };

describe("stampText", () => {
  it("adds the headers at the end of a Publ header block, body byte-identical", () => {
    const original = "Title: Hello\nTag: a\n\nBody *text*\n\n.....\n\nMore\n";
    const out = stampText(original, "publ", stamp)!;
    expect(out).toBe(
      "Title: Hello\nTag: a\nEntry-ID: 1234567\nUUID: 0b5e2b64-7c3a-4e0a-9e0f-2b0f4c9c1a11\nDate: 2025-04-01 10:00:00+00:00\n\nBody *text*\n\n.....\n\nMore\n",
    );
    expect(out.endsWith(original.slice(original.indexOf("\n\n")))).toBe(true);
  });

  it("keeps CRLF line endings", () => {
    const out = stampText("Title: Hi\r\n\r\nBody\r\n", "publ", { entryId: 5 })!;
    expect(out).toBe("Title: Hi\r\nEntry-ID: 5\r\n\r\nBody\r\n");
  });

  it("handles a file that is only headers", () => {
    expect(stampText("Title: Hi", "publ", { entryId: 5 })).toBe("Title: Hi\nEntry-ID: 5\n");
  });

  it("adds a header block to a file without one", () => {
    expect(stampText("# Just text\n", "none", { entryId: 5 })).toBe("Entry-ID: 5\n\n# Just text\n");
  });

  it("adds keys before the closing --- of YAML front matter, matching lowercase keys", () => {
    const original = "---\ntitle: Hi\ntags: [a, b]\n---\nBody\n";
    expect(stampText(original, "yaml", { entryId: 5, date: "2025-01-01 00:00:00+00:00" })).toBe(
      '---\ntitle: Hi\ntags: [a, b]\nentry-id: 5\ndate: "2025-01-01 00:00:00+00:00"\n---\nBody\n',
    );
  });

  it("returns null when there is nothing to add", () => {
    expect(stampText("Title: x\n\nBody", "publ", {})).toBeNull();
  });
});

describe("writeBack", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "quire-wb-"));
  });

  it("replaces the file atomically, keeps its mode and leaves no temp file", () => {
    const file = join(dir, "post.md");
    writeFileSync(file, "Title: Hi\n\nBody\n");
    chmodSync(file, 0o640);
    const original = readFileSync(file);
    expect(writeBack(file, original, "publ", { entryId: 9 })).toBe("written");
    expect(readFileSync(file, "utf8")).toBe("Title: Hi\nEntry-ID: 9\n\nBody\n");
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(["post.md"]);
  });

  it("aborts when the file changed since it was read, and keeps the author's version", () => {
    const file = join(dir, "post.md");
    writeFileSync(file, "Title: Hi\n\nBody\n");
    const original = readFileSync(file);
    writeFileSync(file, "Title: Hi\n\nBody, edited meanwhile\n");
    expect(writeBack(file, original, "publ", { entryId: 9 })).toBe("file-changed");
    expect(readFileSync(file, "utf8")).toBe("Title: Hi\n\nBody, edited meanwhile\n");
    expect(readdirSync(dir)).toEqual(["post.md"]);
  });
});
