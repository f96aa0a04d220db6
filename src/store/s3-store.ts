/** The S3-compatible rendition store (AWS S3, R2, MinIO, Bucketeer, Cloudcube…) over `@aws-sdk/client-s3`, with short deadlines. */
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { QuireError } from "../errors.js";
import type { Logger } from "../log.js";
import { assertRenditionName, contentTypeFor } from "./rendition-name.js";
import type { RenditionStore, StoredRendition } from "./rendition-store.js";

type S3Sdk = typeof import("@aws-sdk/client-s3");

/** Renditions never change under one name, so every cache on the way may keep them forever. */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** Where the bucket is and how to reach it; what `s3ConfigFromEnv` produces. */
export interface S3StoreConfig {
  bucket: string;
  /** Key prefix, e.g. `renditions/`; a trailing slash is added when missing. */
  prefix?: string;
  /** Default `us-east-1` (use `auto` for R2). */
  region?: string;
  /** An S3-compatible endpoint; implies path-style addressing. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** A base URL (bucket website or CDN) that serves `<publicUrl>/<prefix><name>` to readers directly. */
  publicUrl?: string;
  /** Let the SDK re-sign for the bucket's real region when the configured one is wrong (add-ons with unknown regions). */
  followRegionRedirects?: boolean;
}

export interface S3StoreOptions extends S3StoreConfig {
  logger: Logger;
  /** Give up connecting after this long (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Give up waiting for a response after this long (default 5000 ms). */
  requestTimeoutMs?: number;
  /** A whole operation, retries and body included, never takes longer than this (default 6000 ms). */
  deadlineMs?: number;
  /** Attempts per operation, the first included (default 2). */
  maxAttempts?: number;
}

/** Renditions as objects `<prefix><name>` in one bucket, uploaded immutable with their content type. */
export class S3Store implements RenditionStore {
  readonly label: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly clientConfig: S3ClientConfig;
  // The SDK takes a few hundred milliseconds to load: it is imported on the first request, not at boot.
  private client: Promise<{ client: S3Client; sdk: S3Sdk }> | undefined;
  private readonly publicBase: string | null;
  private readonly deadlineMs: number;
  private readonly logger: Logger;

  constructor(options: S3StoreOptions) {
    if (!options.bucket) throw new QuireError("E_STORE", "The S3 rendition store needs a bucket name");
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.label = `s3:${this.bucket}/${this.prefix}`;
    this.publicBase = options.publicUrl ? options.publicUrl.replace(/\/+$/, "") : null;
    this.deadlineMs = options.deadlineMs ?? 6000;
    this.logger = options.logger;
    const config: S3ClientConfig = {
      region: options.region ?? "us-east-1",
      // Several S3-compatible stores reject or corrupt uploads carrying the SDK's default CRC checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: options.maxAttempts ?? 2,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 2000,
        requestTimeout: options.requestTimeoutMs ?? 5000,
        // Without this the SDK only logs a breached request timeout and keeps waiting.
        throwOnRequestTimeout: true,
      },
      followRegionRedirects: options.followRegionRedirects ?? false,
    };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
      // Custom endpoints (MinIO, s3rver, many others) rarely resolve `<bucket>.<host>`.
      config.forcePathStyle = true;
    }
    if (options.accessKeyId && options.secretAccessKey) {
      config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
    }
    this.clientConfig = config;
  }

  private sdk(): Promise<{ client: S3Client; sdk: S3Sdk }> {
    this.client ??= import("@aws-sdk/client-s3").then((sdk) => ({
      client: new sdk.S3Client(this.clientConfig),
      sdk,
    }));
    return this.client;
  }

  /** The object key a rendition name is stored under. */
  keyFor(name: string): string {
    assertRenditionName(name);
    return `${this.prefix}${name}`;
  }

  async get(name: string): Promise<StoredRendition | null> {
    const key = this.keyFor(name);
    const signal = AbortSignal.timeout(this.deadlineMs);
    try {
      const { client, sdk } = await this.sdk();
      const response = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: signal,
      });
      if (!response.Body) throw new Error("the response has no body");
      const bytes = await withSignal(response.Body.transformToByteArray(), signal);
      const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (response.ContentLength !== undefined && response.ContentLength !== body.length) {
        throw new Error(`the body has ${body.length} bytes where ${response.ContentLength} were announced`);
      }
      return { body, contentType: response.ContentType ?? contentTypeFor(name), size: body.length };
    } catch (err) {
      if (isNoSuchKey(err)) return null;
      throw this.failure("read", key, err);
    }
  }

  async has(name: string): Promise<boolean> {
    const key = this.keyFor(name);
    try {
      const { client, sdk } = await this.sdk();
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: AbortSignal.timeout(this.deadlineMs),
      });
      return true;
    } catch (err) {
      // A HEAD response has no body, so a missing bucket looks like a missing key here; get and put tell them apart.
      if (isNoSuchKey(err)) return false;
      throw this.failure("check", key, err);
    }
  }

  async put(name: string, body: Buffer, contentType: string): Promise<void> {
    const key = this.keyFor(name);
    try {
      const { client, sdk } = await this.sdk();
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: contentType,
          CacheControl: IMMUTABLE_CACHE_CONTROL,
        }),
        { abortSignal: AbortSignal.timeout(this.deadlineMs) },
      );
    } catch (err) {
      throw this.failure("upload", key, err);
    }
  }

  publicUrl(name: string): string | null {
    const key = this.keyFor(name);
    return this.publicBase === null ? null : `${this.publicBase}/${key}`;
  }

  /** Answers 0: an S3 store is cleaned by a bucket lifecycle rule (expire objects under the prefix), not by Quire. */
  async cleanup(_maxAgeDays: number): Promise<number> {
    this.logger.debug(
      { store: this.label },
      "S3 renditions are expired by a bucket lifecycle rule, not by Quire",
    );
    return 0;
  }

  /** Closes the client's sockets (tests, shutdown). */
  destroy(): void {
    void this.client?.then(({ client }) => client.destroy());
    this.client = undefined;
  }

  private failure(operation: string, key: string, err: unknown): QuireError {
    return new QuireError(
      "E_STORE",
      `S3 ${operation} of "${key}" in bucket "${this.bucket}" failed: ${describeS3Failure(err, this.deadlineMs)}`,
      { cause: err },
    );
  }
}

/** `""` or a prefix ending in exactly one `/`, without a leading one. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? "").trim().replace(/^\/+/, "").replace(/\/+$/, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}

function isNoSuchKey(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "NoSuchKey") return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 && err.name !== "NoSuchBucket";
}

/** A short reason an operator can act on, from an SDK or network error. */
export function describeS3Failure(err: unknown, deadlineMs?: number): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  switch (err.name) {
    case "NoSuchBucket":
      return "the bucket does not exist (NoSuchBucket)";
    case "AccessDenied":
    case "InvalidAccessKeyId":
    case "SignatureDoesNotMatch":
      return `access denied; check the credentials and the bucket policy (${err.name})`;
    case "AbortError":
    case "TimeoutError":
      return deadlineMs
        ? `no answer within ${deadlineMs} ms (${err.name})`
        : `no answer in time (${err.name})`;
  }
  if (code === "ECONNREFUSED") return "connection refused (ECONNREFUSED)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `the endpoint's host name does not resolve (${code})`;
  const detail = err.message && err.message !== "UnknownError" ? err.message : "no details";
  return status ? `${err.name}, HTTP ${status}: ${detail}` : `${err.name}: ${detail}`;
}

/** Rejects when the signal aborts, for work (a body stream) the SDK's own signal handling may not cover. */
function withSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
