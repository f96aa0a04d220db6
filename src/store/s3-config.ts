/** Which bucket renditions go to, from environment variables: Quire's own `QUIRE_S3_*`, then Heroku's Bucketeer and Cloudcube add-ons. */
import { QuireError } from "../errors.js";
import { normalizePrefix, type S3StoreConfig } from "./s3-store.js";

type Env = Readonly<Record<string, string | undefined>>;

/** An S3 configuration and the variables it came from, for the startup log line. */
export interface S3EnvConfig extends S3StoreConfig {
  source: "QUIRE_S3_BUCKET" | "BUCKETEER" | "CLOUDCUBE";
}

/** Cloudcube's shared buckets and their regions; other cube hosts are found by following S3's region redirect. */
const CLOUDCUBE_REGIONS: Readonly<Record<string, string>> = {
  "cloud-cube": "us-east-1",
  "cloud-cube-eu": "eu-west-1",
  "cloud-cube-jp": "ap-northeast-1",
};

/**
 * The S3 rendition store configuration the environment asks for, or null when it names no bucket.
 * `QUIRE_S3_BUCKET` wins over add-ons; `QUIRE_S3_PREFIX`, `QUIRE_S3_ENDPOINT` and `QUIRE_S3_PUBLIC_URL`
 * apply on top of an add-on's bucket too. Throws E_CONFIG naming the variable at fault.
 */
export function s3ConfigFromEnv(env: Env = process.env): S3EnvConfig | null {
  const endpoint = urlVar(env, "QUIRE_S3_ENDPOINT");
  const publicUrl = urlVar(env, "QUIRE_S3_PUBLIC_URL");
  const prefix = prefixVar(env, "QUIRE_S3_PREFIX");

  const bucket = read(env, "QUIRE_S3_BUCKET");
  if (bucket !== undefined) {
    return settle({
      source: "QUIRE_S3_BUCKET",
      bucket: checkBucket(bucket, "QUIRE_S3_BUCKET"),
      prefix,
      region: regionVar(env, "AWS_REGION"),
      // The SDK-wide variable only goes with Quire's own bucket: an add-on's bucket lives on AWS itself.
      endpoint: endpoint ?? urlVar(env, "AWS_ENDPOINT_URL_S3"),
      publicUrl,
      ...credentialPair(env, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", false),
    });
  }

  const bucketeer = read(env, "BUCKETEER_BUCKET_NAME");
  if (bucketeer !== undefined) {
    return settle({
      source: "BUCKETEER",
      bucket: checkBucket(bucketeer, "BUCKETEER_BUCKET_NAME"),
      prefix,
      region: regionVar(env, "BUCKETEER_AWS_REGION") ?? "us-east-1",
      endpoint,
      publicUrl,
      ...credentialPair(env, "BUCKETEER_AWS_ACCESS_KEY_ID", "BUCKETEER_AWS_SECRET_ACCESS_KEY", true),
    });
  }

  const cloudcube = read(env, "CLOUDCUBE_URL");
  if (cloudcube !== undefined) {
    const cube = parseCloudcubeUrl(cloudcube);
    // A cube's keys only reach `<cube>/…`, and only `<cube>/public/…` is readable by anyone, so the
    // prefix is taken inside the cube and the public URL is only implied for a prefix under `public/`.
    const inside = prefix ?? "public/";
    const region = CLOUDCUBE_REGIONS[cube.bucket] ?? cube.hostRegion;
    return settle({
      source: "CLOUDCUBE",
      bucket: cube.bucket,
      prefix: `${cube.name}/${inside}`,
      region: region ?? "us-east-1",
      followRegionRedirects: region === undefined ? true : undefined,
      endpoint,
      publicUrl: publicUrl ?? (inside.startsWith("public/") ? cube.origin : undefined),
      ...credentialPair(env, "CLOUDCUBE_ACCESS_KEY_ID", "CLOUDCUBE_SECRET_ACCESS_KEY", true),
    });
  }

  // Settings for a bucket without a bucket are a typo or a missing add-on, not something to ignore quietly.
  const stray = ["QUIRE_S3_PREFIX", "QUIRE_S3_ENDPOINT", "QUIRE_S3_PUBLIC_URL"].find((name) =>
    read(env, name),
  );
  if (stray) {
    throw new QuireError(
      "E_CONFIG",
      `${stray} is set but no bucket is; set QUIRE_S3_BUCKET (or attach the Bucketeer or Cloudcube add-on)`,
      { field: stray },
    );
  }
  return null;
}

/** Splits a `CLOUDCUBE_URL` (`https://<bucket>.s3.amazonaws.com/<cube>`) into bucket, cube name and origin. */
export function parseCloudcubeUrl(value: string): {
  bucket: string;
  name: string;
  origin: string;
  hostRegion: string | undefined;
} {
  const url = parseUrl(value, "CLOUDCUBE_URL");
  const host = /^([a-z0-9][a-z0-9.-]*?)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(url.hostname);
  const name = url.pathname.replace(/^\/+|\/+$/g, "");
  if (!host || !host[1] || name === "" || name.includes("/")) {
    throw new QuireError(
      "E_CONFIG",
      `CLOUDCUBE_URL is "${value}"; expected https://<bucket>.s3.amazonaws.com/<cube> as the Cloudcube add-on sets it`,
      { field: "CLOUDCUBE_URL" },
    );
  }
  const hostRegion = host[2] && host[2] !== "external-1" ? host[2] : undefined;
  return { bucket: host[1], name, origin: url.origin, hostRegion };
}

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function checkBucket(value: string, variable: string): string {
  if (value.includes("/") || value.includes(":")) {
    throw new QuireError(
      "E_CONFIG",
      `${variable} is "${value}"; expected a bare bucket name (put a folder in QUIRE_S3_PREFIX and a host in QUIRE_S3_ENDPOINT)`,
      { field: variable },
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/.test(value)) {
    throw new QuireError(
      "E_CONFIG",
      `${variable} is "${value}"; a bucket name has 3 to 63 letters, digits, dots and hyphens`,
      { field: variable },
    );
  }
  return value;
}

function parseUrl(value: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new QuireError("E_CONFIG", `${variable} is "${value}"; expected an http:// or https:// URL`, {
      field: variable,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new QuireError("E_CONFIG", `${variable} is "${value}"; expected an http:// or https:// URL`, {
      field: variable,
    });
  }
  return url;
}

function urlVar(env: Env, variable: string): string | undefined {
  const value = read(env, variable);
  if (value === undefined) return undefined;
  const url = parseUrl(value, variable);
  if (url.search || url.hash) {
    throw new QuireError(
      "E_CONFIG",
      `${variable} is "${value}"; expected a base URL without ?query or #fragment`,
      {
        field: variable,
      },
    );
  }
  return value.replace(/\/+$/, "");
}

function prefixVar(env: Env, variable: string): string | undefined {
  const value = read(env, variable);
  if (value === undefined) return undefined;
  const prefix = normalizePrefix(value);
  const segments = prefix.split("/").slice(0, -1);
  if (
    segments.some((segment) => segment === "" || segment === "." || segment === "..") ||
    !/^[A-Za-z0-9!_.*'()/-]*$/.test(prefix)
  ) {
    throw new QuireError(
      "E_CONFIG",
      `${variable} is "${value}"; expected a key prefix such as "renditions/" (letters, digits, "/", "-", "_", ".", no empty or ".." parts)`,
      { field: variable },
    );
  }
  return prefix === "" ? undefined : prefix;
}

function regionVar(env: Env, variable: string): string | undefined {
  const value = read(env, variable);
  if (value !== undefined && !/^[a-z0-9-]+$/.test(value)) {
    throw new QuireError(
      "E_CONFIG",
      `${variable} is "${value}"; expected a region such as "us-east-1" or "auto"`,
      {
        field: variable,
      },
    );
  }
  return value;
}

function credentialPair(
  env: Env,
  keyVariable: string,
  secretVariable: string,
  required: boolean,
): { accessKeyId?: string; secretAccessKey?: string } {
  const accessKeyId = read(env, keyVariable);
  const secretAccessKey = read(env, secretVariable);
  if (accessKeyId === undefined && secretAccessKey === undefined && !required) {
    // The SDK's own chain then applies (instance roles, ~/.aws, web identity).
    return {};
  }
  if (accessKeyId === undefined) {
    throw new QuireError("E_CONFIG", `${keyVariable} is not set; it goes with ${secretVariable}`, {
      field: keyVariable,
    });
  }
  if (secretAccessKey === undefined) {
    throw new QuireError("E_CONFIG", `${secretVariable} is not set; it goes with ${keyVariable}`, {
      field: secretVariable,
    });
  }
  return { accessKeyId, secretAccessKey };
}

/** Drops unset keys (so results compare cleanly) and freezes: configuration is validated once, then fixed. */
function settle(value: S3EnvConfig): S3EnvConfig {
  return Object.freeze(
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)),
  ) as S3EnvConfig;
}
