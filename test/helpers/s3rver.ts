/** A real S3-protocol server for tests: s3rver on 127.0.0.1, a free port, a temporary folder, one bucket. */
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

const S3rver = createRequire(import.meta.url)("s3rver") as S3rverConstructor;

export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A client for raw checks (HeadObject…) against this server. */
  client: S3Client;
  /** Deletes every object in the bucket, through the S3 API. */
  emptyBucket(): Promise<void>;
  /** Stops the server but keeps its folder, as an outage would: requests are refused until `restart`. */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same folder (the bucket and its objects come back). */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Starts s3rver silently on 127.0.0.1 with a free port and a fresh folder, with `bucket` created. */
export async function startS3rver(bucket = "quire-test"): Promise<S3rverHandle> {
  const directory = await mkdtemp(join(tmpdir(), "quire-s3rver-"));
  const make = (port: number) =>
    new S3rver({
      address: "127.0.0.1",
      port,
      silent: true,
      directory,
      // Path-style only: a vhost lookup of `<bucket>.127.0.0.1` makes no sense on loopback.
      vhostBuckets: false,
      configureBuckets: [{ name: bucket }],
    });
  let server = make(0);
  const address = await server.run();
  let running = true;
  const close = async () => {
    if (!running) return;
    running = false;
    // Keep-alive sockets of other clients would otherwise hold close() open.
    server.httpServer?.closeAllConnections();
    await server.close();
  };
  const endpoint = `http://127.0.0.1:${address.port}`;
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const region = "us-east-1";
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

  return {
    endpoint,
    bucket,
    region,
    ...credentials,
    client,
    async emptyBucket() {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
        );
        await Promise.all(
          (page.Contents ?? []).map((object) =>
            client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key })),
          ),
        );
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    halt: close,
    async restart() {
      await close();
      server = make(address.port);
      await server.run();
      running = true;
    },
    async stop() {
      client.destroy();
      await close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
