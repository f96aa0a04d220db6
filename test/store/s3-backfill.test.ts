/** Renditions made while S3 was skipped after a failure are copied up to the bucket once it answers again
 *  (issue 21: they never reached it). Against s3rver, stopped and restarted on the same port. */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRenditionStore, ResilientStore, TieredStore } from "../../src/store/index.js";
import { startS3rver, type S3rverHandle } from "../helpers/s3rver.js";
import { waitFor } from "../cache-site/support.js";
import { captureLog } from "./log-capture.js";
import { renditionName } from "./rendition-store.case.js";

let s3: S3rverHandle;
let dataDir: string;

beforeAll(async () => {
  s3 = await startS3rver();
  dataDir = await mkdtemp(join(tmpdir(), "quire-backfill-"));
});
afterAll(async () => {
  await s3?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function inBucket(name: string): Promise<number | null> {
  try {
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `r/${name}` }));
    return head.ContentLength ?? null;
  } catch {
    return null;
  }
}

describe("S3 back after an outage", () => {
  it("gets the renditions made while it was down or skipped", async () => {
    const log = captureLog();
    const store = createRenditionStore({
      env: {
        QUIRE_S3_BUCKET: s3.bucket,
        QUIRE_S3_ENDPOINT: s3.endpoint,
        QUIRE_S3_PREFIX: "r",
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
      dataDir,
      logger: log.logger,
      s3CooldownMs: 100,
    });
    const guarded = ((store as ResilientStore).inner as TieredStore).remote as ResilientStore;
    const before = renditionName("png");
    await store.put(before, randomBytes(100), "image/png");
    expect(await inBucket(before)).toBe(100);

    await s3.halt();
    // The first upload fails (and starts the cool-down), the second is skipped during it.
    const failed = renditionName("png");
    const skipped = renditionName("png");
    await store.put(failed, randomBytes(2_000), "image/png");
    await store.put(skipped, randomBytes(3_000), "image/png");
    expect(guarded.owedUploads).toBe(2);
    expect(log.warnings().length).toBeGreaterThan(0);

    await s3.restart();
    // Any call that reaches S3 again (here: a reader asking for a rendition nobody has) starts the copy-up.
    await waitFor("the owed renditions to reach the bucket", async () => {
      await store.get(renditionName("png"));
      await guarded.backfilled();
      return (await inBucket(failed)) === 2_000 && (await inBucket(skipped)) === 3_000 ? true : undefined;
    });
    expect(guarded.owedUploads).toBe(0);
    expect(log.lines.some((line) => /Copied 2 renditions/.test(line.msg))).toBe(true);
  });
});
