import { describe, it, expect, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import sharp from "sharp";
import { Site } from "../../src/site.js";
import { startServer } from "../../src/http/server.js";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";

/** A 2 MB tmpfs to play a full disk; needs root and mount permission. */
function mountTiny(): { dir: string; unmount(): void } | { reason: string } {
  const dir = mkdtempSync(join(tmpdir(), "quire-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir], { stdio: "pipe" });
    return { dir, unmount: () => execFileSync("umount", [dir]) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a small tmpfs to fill (${(err as Error).message.split("\n")[0]})` };
  }
}

const tiny = mountTiny();
const reason = "reason" in tiny ? tiny.reason : null;
if (reason && process.env.CI === "true") throw new Error(`disk-full test cannot run in CI: ${reason}`);
if (reason) console.warn(`skipping the disk-full test: ${reason}`);

const root = makeSite({
  "templates/entry.html": "{{ entry.body }}",
  "content/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\n![x](big.png{1200})\n",
});
afterAll(() => {
  removeSite(root);
  if (!reason && "unmount" in tiny) tiny.unmount();
});

describe.skipIf(reason !== null)("a full data disk", () => {
  it("still serves renditions, from memory, and says why it did not store them", async () => {
    const { dir } = tiny as { dir: string };
    // A noisy image compresses badly, so its rendition cannot fit in what is left.
    const noise = Buffer.alloc(1400 * 1000 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    writeFiles(root, {
      "content/big.png": await sharp(noise, { raw: { width: 1400, height: 1000, channels: 3 } })
        .png()
        .toBuffer(),
    });
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (l: string) => lines.push(l) });
    const site = new Site({
      site: root,
      dataDir: dir,
      logger,
      inlineIndexer: true,
      env: { QUIRE_SECRET: "s" },
      cache: false,
    });
    const server = await startServer(site, 0, "127.0.0.1");
    try {
      await site.start();
      // Fill the disk to the brim now that the index is written.
      try {
        writeFileSync(join(dir, "filler"), Buffer.alloc(4 * 1024 * 1024));
      } catch {
        // ENOSPC once the disk is full: exactly what is wanted
      }
      const html = await (await fetch(`http://127.0.0.1:${server.port}/1-A`)).text();
      const src = /src="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
      const res = await fetch(`http://127.0.0.1:${server.port}${src}`);
      expect(res.status).toBe(200);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect(meta.width).toBe(1200);
      const shards = readdirSync(join(dir, "renditions"), { withFileTypes: true }).filter((d) =>
        d.isDirectory(),
      );
      const stored = shards
        .flatMap((d) => readdirSync(join(dir, "renditions", d.name)))
        .filter((f) => !f.startsWith("."));
      expect(stored).toEqual([]);
      expect(lines.join("\n")).toMatch(/could not store rendition/);
      expect(lines.join("\n")).toMatch(/disk is full|ENOSPC/);
    } finally {
      await server.stop(1000);
    }
  });
});
