/**
 * Issue 21: AVIF's encoder heeds no timeout, so a rendition past its budget (or a server told to stop) used to
 * answer the reader while the encoder kept a core busy in the server's process. Costly renditions now run in a
 * process of their own, which the budget and `stop` kill. Every wait here is for an event (a process appearing
 * or ending, a promise settling), never for a time allowance.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { QuireError } from "../../src/errors.js";
import type { ImageArgs } from "../../src/image/image-args.js";
import type { RenditionService } from "../../src/image/index.js";
import { contentFolder, makeService, photo, serveUrl } from "./images.js";

let site: ReturnType<typeof contentFolder>;

beforeAll(async () => {
  site = contentFolder({ "big.png": await photo(4096, 4096, "png") });
}, 120_000);
afterAll(() => site.remove());

const avif = (quality: number, width: number): ImageArgs => ({ width, format: "avif", quality }) as ImageArgs;

/** Settles to the error a promise rejects with, or null. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

/** The encoder process of the rendition now being made, once it exists. */
async function encoderPid(service: RenditionService): Promise<number> {
  for (;;) {
    const [pid] = service.encoders.pids;
    if (pid !== undefined) return pid;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves once the process `pid` no longer exists (reaped). */
async function gone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("costly renditions in a process of their own", () => {
  it("makes the rendition there and serves its bytes", async () => {
    const { service, store } = makeService(site.dir, { budgetMs: 600_000 });
    const served = serveUrl(service, service.planSync("big.png", avif(50, 1100)).x1.url);
    const pid = await encoderPid(service);
    expect(pid).not.toBe(process.pid);
    const meta = await sharp(await served).metadata();
    expect(meta.format).toBe("heif");
    expect(meta.compression).toBe("av1");
    expect(meta.width).toBe(1100);
    expect(store.size).toBe(1);
    await gone(pid);
  }, 300_000);

  it("kills the encoder when the budget runs out: the reader gets 503 and nothing goes on encoding", async () => {
    const { service, store } = makeService(site.dir, { budgetMs: 1000 });
    const served = failure(serveUrl(service, service.planSync("big.png", avif(100, 4096)).x1.url));
    const pid = await encoderPid(service);
    const err = await served;
    expect(err).toBeInstanceOf(QuireError);
    expect((err as QuireError).code).toBe("E_IMAGE_TIMEOUT");
    expect((err as QuireError).status).toBe(503);
    await gone(pid);
    expect(service.encoders.pids).toEqual([]);
    expect(store.size).toBe(0);
  }, 300_000);

  it("kills the encoder when the server stops", async () => {
    const { service, store } = makeService(site.dir, { budgetMs: 600_000 });
    const served = failure(serveUrl(service, service.planSync("big.png", avif(99, 4096)).x1.url));
    const pid = await encoderPid(service);
    service.stop();
    const err = await served;
    expect((err as QuireError).code).toBe("E_NOT_READY");
    // With a ten-minute budget, only the kill can have ended it.
    await gone(pid);
    expect(service.encoders.pids).toEqual([]);
    expect(store.size).toBe(0);
  }, 300_000);
});
