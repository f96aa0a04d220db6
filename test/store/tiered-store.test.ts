/** The local disk in front of S3 (s3rver), and the composition `createRenditionStore` builds from the environment. */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import {
  createRenditionStore,
  LocalStore,
  ResilientStore,
  S3Store,
  TieredStore,
  type S3StoreOptions,
} from "../../src/store/index.js";
import { startS3rver, type S3rverHandle } from "../helpers/s3rver.js";
import { captureLog } from "./log-capture.js";
import { renditionName, renditionStoreContract } from "./rendition-store.case.js";

let s3: S3rverHandle;
const folders: string[] = [];
const remotes: S3Store[] = [];

beforeAll(async () => {
  s3 = await startS3rver();
});

afterAll(async () => {
  for (const remote of remotes) remote.destroy();
  await s3?.stop();
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "quire-tiered-"));
  folders.push(folder);
  return folder;
}

function remote(options: Partial<S3StoreOptions> = {}): S3Store {
  const store = new S3Store({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    prefix: `tiered-${randomBytes(4).toString("hex")}/`,
    logger: silentLogger(),
    ...options,
  });
  remotes.push(store);
  return store;
}

async function tiered(options: Partial<S3StoreOptions> = {}, localDir?: string) {
  const local = new LocalStore(localDir ?? join(await freshFolder(), "renditions"));
  const far = remote(options);
  const log = captureLog();
  return { local, far, log, store: new TieredStore(local, far, { logger: log.logger }) };
}

async function closedPortEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

renditionStoreContract("TieredStore (local + s3rver)", async () => (await tiered()).store);

describe("TieredStore", () => {
  it("writes both tiers on put", async () => {
    const { local, far, store } = await tiered();
    const name = renditionName();
    const body = randomBytes(2048);
    await store.put(name, body, "image/jpeg");
    expect((await local.get(name))!.body.equals(body)).toBe(true);
    expect((await far.get(name))!.body.equals(body)).toBe(true);
  });

  it("serves from the remote when the disk is empty, and fills the disk", async () => {
    const { local, far, store } = await tiered();
    const name = renditionName("webp");
    const body = randomBytes(4096);
    await far.put(name, body, "image/webp");
    const stored = await store.get(name);
    expect(stored!.body.equals(body)).toBe(true);
    expect(stored!.contentType).toBe("image/webp");
    expect((await local.get(name))!.body.equals(body)).toBe(true);
  });

  it("still serves from the disk after the bucket is emptied", async () => {
    const { store } = await tiered();
    const name = renditionName();
    await store.put(name, Buffer.from("kept locally"), "image/jpeg");
    await s3.emptyBucket();
    expect((await store.get(name))?.body.toString()).toBe("kept locally");
  });

  it("with a public URL, answers has() from the bucket alone, since readers will be sent there", async () => {
    const { local, store } = await tiered({ publicUrl: `${s3.endpoint}/${s3.bucket}` });
    const name = renditionName();
    await store.put(name, Buffer.from("x"), "image/jpeg");
    expect(await store.has(name)).toBe(true);
    await s3.emptyBucket();
    expect(await local.has(name)).toBe(true);
    expect(await store.has(name)).toBe(false);
  });

  it("without a public URL, answers has() from the disk first", async () => {
    const { store } = await tiered();
    const name = renditionName();
    await store.put(name, Buffer.from("x"), "image/jpeg");
    await s3.emptyBucket();
    expect(await store.has(name)).toBe(true);
  });

  it("carries on with the remote when the disk cannot be written, with a warning", async () => {
    const root = await freshFolder();
    await writeFile(join(root, "blocked"), "a file where the folder should be");
    const { far, store, log } = await tiered({}, join(root, "blocked", "renditions"));
    const name = renditionName();
    await expect(store.put(name, Buffer.from("remote only"), "image/jpeg")).resolves.toBeUndefined();
    expect((await far.get(name))?.body.toString()).toBe("remote only");
    expect((await store.get(name))?.body.toString()).toBe("remote only");
    expect(log.warnings().length).toBeGreaterThan(0);
    expect(log.warnings()[0]!.msg).toContain("Local rendition write failed");
  });

  it("rejects a put the remote refuses, after keeping the local copy", async () => {
    const { local, store } = await tiered({ bucket: "quire-no-such-bucket" });
    const name = renditionName();
    await expect(store.put(name, Buffer.from("x"), "image/jpeg")).rejects.toMatchObject({ code: "E_STORE" });
    expect(await local.has(name)).toBe(true);
  });
});

describe("createRenditionStore", () => {
  it("is the local store under <dataDir>/renditions when no bucket is configured", async () => {
    const dataDir = await freshFolder();
    const store = createRenditionStore({ env: {}, dataDir, logger: silentLogger() });
    expect(store).toBeInstanceOf(LocalStore);
    expect(store.label).toBe(`local:${join(dataDir, "renditions")}`);
  });

  it("lets a local write failure reach the caller when there is no bucket", async () => {
    const root = await freshFolder();
    await writeFile(join(root, "data"), "not a folder");
    const store = createRenditionStore({ env: {}, dataDir: join(root, "data"), logger: silentLogger() });
    await expect(store.put(renditionName(), Buffer.from("x"), "image/jpeg")).rejects.toMatchObject({
      code: "E_STORE",
    });
  });

  it("stores in the bucket named by QUIRE_S3_* and on disk, and reads back", async () => {
    const dataDir = await freshFolder();
    const log = captureLog();
    const env = {
      QUIRE_S3_BUCKET: s3.bucket,
      QUIRE_S3_ENDPOINT: s3.endpoint,
      QUIRE_S3_PREFIX: "site-renditions",
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    };
    const store = createRenditionStore({ env, dataDir, logger: log.logger });
    const name = renditionName("png");
    const body = randomBytes(10_000);
    await store.put(name, body, "image/png");
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: `site-renditions/${name}` }),
    );
    expect(head.ContentLength).toBe(body.length);
    expect((await new LocalStore(join(dataDir, "renditions")).get(name))!.body.equals(body)).toBe(true);

    // A second process with an empty disk finds it in the bucket.
    const other = createRenditionStore({ env, dataDir: await freshFolder(), logger: silentLogger() });
    expect((await other.get(name))!.body.equals(body)).toBe(true);
    expect(log.lines.some((line) => line.msg === "Renditions are stored in S3, with a local copy")).toBe(
      true,
    );
  });

  it("with S3 down, never throws and still keeps renditions on disk", async () => {
    const log = captureLog();
    const store = createRenditionStore({
      env: {
        QUIRE_S3_BUCKET: "quire-renditions",
        QUIRE_S3_ENDPOINT: await closedPortEndpoint(),
        AWS_ACCESS_KEY_ID: "key",
        AWS_SECRET_ACCESS_KEY: "secret",
      },
      dataDir: await freshFolder(),
      logger: log.logger,
    });
    expect(store).toBeInstanceOf(ResilientStore);
    const name = renditionName();
    await expect(store.get(name)).resolves.toBeNull();
    await expect(
      store.put(name, Buffer.from("made while S3 was down"), "image/jpeg"),
    ).resolves.toBeUndefined();
    expect((await store.get(name))?.body.toString()).toBe("made while S3 was down");
    expect(log.warnings().some((line) => String(line.err).includes("ECONNREFUSED"))).toBe(true);
  });

  it("refuses inconsistent S3 variables with E_CONFIG", async () => {
    expect(() =>
      createRenditionStore({
        env: { QUIRE_S3_BUCKET: "quire-renditions", AWS_ACCESS_KEY_ID: "only-the-key" },
        dataDir: tmpdir(),
        logger: silentLogger(),
      }),
    ).toThrow(expect.objectContaining({ code: "E_CONFIG", field: "AWS_SECRET_ACCESS_KEY" }));
  });
});
