/** Environment variables to S3 configuration: Quire's own, Bucketeer, Cloudcube, precedence and the messages for mistakes. */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { S3Store, s3ConfigFromEnv } from "../../src/store/index.js";

function configError(env: Record<string, string>): { code: string; field: string; message: string } {
  try {
    s3ConfigFromEnv(env);
  } catch (err) {
    return err as { code: string; field: string; message: string };
  }
  throw new Error("expected s3ConfigFromEnv to throw");
}

const BUCKETEER = {
  BUCKETEER_BUCKET_NAME: "bucketeer-1234-abcd",
  BUCKETEER_AWS_ACCESS_KEY_ID: "AKIABUCKETEER",
  BUCKETEER_AWS_SECRET_ACCESS_KEY: "bucketeer-secret",
  BUCKETEER_AWS_REGION: "eu-west-1",
};

const CLOUDCUBE = {
  CLOUDCUBE_URL: "https://cloud-cube-us2.s3.amazonaws.com/abcd1234",
  CLOUDCUBE_ACCESS_KEY_ID: "AKIACLOUDCUBE",
  CLOUDCUBE_SECRET_ACCESS_KEY: "cloudcube-secret",
};

describe("s3ConfigFromEnv: Quire's own variables", () => {
  it("answers null when no bucket is named (empty values count as unset)", () => {
    expect(s3ConfigFromEnv({})).toBeNull();
    expect(
      s3ConfigFromEnv({ QUIRE_S3_BUCKET: "  ", AWS_ACCESS_KEY_ID: "k", AWS_REGION: "eu-west-1" }),
    ).toBeNull();
  });

  it("reads bucket, prefix, endpoint, public URL, keys and region", () => {
    expect(
      s3ConfigFromEnv({
        QUIRE_S3_BUCKET: "my-renditions",
        QUIRE_S3_PREFIX: "/blog/renditions",
        QUIRE_S3_ENDPOINT: "https://account.r2.cloudflarestorage.com/",
        QUIRE_S3_PUBLIC_URL: "https://img.example.com/",
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_REGION: "auto",
      }),
    ).toEqual({
      source: "QUIRE_S3_BUCKET",
      bucket: "my-renditions",
      prefix: "blog/renditions/",
      endpoint: "https://account.r2.cloudflarestorage.com",
      publicUrl: "https://img.example.com",
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: "secret",
      region: "auto",
    });
  });

  it("leaves credentials to the SDK's own chain when neither key is set", () => {
    expect(s3ConfigFromEnv({ QUIRE_S3_BUCKET: "my-renditions" })).toEqual({
      source: "QUIRE_S3_BUCKET",
      bucket: "my-renditions",
    });
  });

  it("takes AWS_ENDPOINT_URL_S3 when QUIRE_S3_ENDPOINT is not set, and QUIRE_S3_ENDPOINT over it", () => {
    const base = { QUIRE_S3_BUCKET: "my-renditions", AWS_ENDPOINT_URL_S3: "http://minio.internal:9000" };
    expect(s3ConfigFromEnv(base)?.endpoint).toBe("http://minio.internal:9000");
    expect(s3ConfigFromEnv({ ...base, QUIRE_S3_ENDPOINT: "http://other:9000" })?.endpoint).toBe(
      "http://other:9000",
    );
  });

  it("answers a frozen object", () => {
    expect(Object.isFrozen(s3ConfigFromEnv({ QUIRE_S3_BUCKET: "my-renditions" }))).toBe(true);
  });
});

describe("s3ConfigFromEnv: Bucketeer", () => {
  it("reads the add-on's bucket, keys and region", () => {
    expect(s3ConfigFromEnv(BUCKETEER)).toEqual({
      source: "BUCKETEER",
      bucket: "bucketeer-1234-abcd",
      accessKeyId: "AKIABUCKETEER",
      secretAccessKey: "bucketeer-secret",
      region: "eu-west-1",
    });
  });

  it("defaults the region to us-east-1", () => {
    const { BUCKETEER_AWS_REGION: _region, ...withoutRegion } = BUCKETEER;
    expect(s3ConfigFromEnv(withoutRegion)?.region).toBe("us-east-1");
  });

  it("applies QUIRE_S3_PREFIX, QUIRE_S3_PUBLIC_URL and QUIRE_S3_ENDPOINT on top", () => {
    const config = s3ConfigFromEnv({
      ...BUCKETEER,
      QUIRE_S3_PREFIX: "public/renditions/",
      QUIRE_S3_PUBLIC_URL: "https://d111111abcdef8.cloudfront.net",
    });
    expect(config).toMatchObject({
      prefix: "public/renditions/",
      publicUrl: "https://d111111abcdef8.cloudfront.net",
    });
  });

  it("ignores the generic AWS_* variables, which belong to some other bucket", () => {
    const config = s3ConfigFromEnv({
      ...BUCKETEER,
      AWS_ACCESS_KEY_ID: "AKIAOTHER",
      AWS_SECRET_ACCESS_KEY: "other",
      AWS_REGION: "ap-south-1",
      AWS_ENDPOINT_URL_S3: "http://minio.internal:9000",
    });
    expect(config).toMatchObject({ accessKeyId: "AKIABUCKETEER", region: "eu-west-1" });
    expect(config?.endpoint).toBeUndefined();
  });

  it("names the missing add-on key", () => {
    const { BUCKETEER_AWS_SECRET_ACCESS_KEY: _secret, ...withoutSecret } = BUCKETEER;
    expect(configError(withoutSecret)).toMatchObject({
      code: "E_CONFIG",
      field: "BUCKETEER_AWS_SECRET_ACCESS_KEY",
    });
  });
});

describe("s3ConfigFromEnv: Cloudcube", () => {
  it("splits CLOUDCUBE_URL into the shared bucket and the cube's public folder", () => {
    expect(s3ConfigFromEnv(CLOUDCUBE)).toEqual({
      source: "CLOUDCUBE",
      bucket: "cloud-cube-us2",
      prefix: "abcd1234/public/",
      publicUrl: "https://cloud-cube-us2.s3.amazonaws.com",
      region: "us-east-1",
      followRegionRedirects: true,
      accessKeyId: "AKIACLOUDCUBE",
      secretAccessKey: "cloudcube-secret",
    });
  });

  it("gives public URLs where Cloudcube documents public files: CLOUDCUBE_URL/public/<file>", () => {
    const { source: _source, ...config } = s3ConfigFromEnv(CLOUDCUBE)!;
    const store = new S3Store({ ...config, logger: silentLogger() });
    try {
      expect(store.publicUrl("photo_ab12_640x480.jpg")).toBe(
        `${CLOUDCUBE.CLOUDCUBE_URL}/public/photo_ab12_640x480.jpg`,
      );
    } finally {
      store.destroy();
    }
  });

  it("knows the regions of Cloudcube's original buckets", () => {
    const eu = s3ConfigFromEnv({ ...CLOUDCUBE, CLOUDCUBE_URL: "https://cloud-cube-eu.s3.amazonaws.com/xyz" });
    expect(eu).toMatchObject({ bucket: "cloud-cube-eu", region: "eu-west-1", prefix: "xyz/public/" });
    expect(eu?.followRegionRedirects).toBeUndefined();
    const jp = s3ConfigFromEnv({
      ...CLOUDCUBE,
      CLOUDCUBE_URL: "https://cloud-cube-jp.s3.amazonaws.com/xyz/",
    });
    expect(jp).toMatchObject({ region: "ap-northeast-1", prefix: "xyz/public/" });
  });

  it("takes QUIRE_S3_PREFIX inside the cube, and implies a public URL only under public/", () => {
    const privateFolder = s3ConfigFromEnv({ ...CLOUDCUBE, QUIRE_S3_PREFIX: "renditions" });
    expect(privateFolder?.prefix).toBe("abcd1234/renditions/");
    expect(privateFolder?.publicUrl).toBeUndefined();
    const publicFolder = s3ConfigFromEnv({ ...CLOUDCUBE, QUIRE_S3_PREFIX: "public/renditions" });
    expect(publicFolder).toMatchObject({
      prefix: "abcd1234/public/renditions/",
      publicUrl: "https://cloud-cube-us2.s3.amazonaws.com",
    });
  });

  it("refuses a CLOUDCUBE_URL that is not an S3 bucket URL with a cube name", () => {
    for (const url of [
      "cloud-cube",
      "https://cloud-cube.s3.amazonaws.com",
      "https://example.com/cube",
      "ftp://x/y",
    ]) {
      expect(configError({ ...CLOUDCUBE, CLOUDCUBE_URL: url }), url).toMatchObject({
        code: "E_CONFIG",
        field: "CLOUDCUBE_URL",
      });
    }
  });

  it("names the missing add-on secret", () => {
    const { CLOUDCUBE_SECRET_ACCESS_KEY: _secret, ...withoutSecret } = CLOUDCUBE;
    expect(configError(withoutSecret)).toMatchObject({
      code: "E_CONFIG",
      field: "CLOUDCUBE_SECRET_ACCESS_KEY",
    });
  });
});

describe("s3ConfigFromEnv: precedence", () => {
  it("prefers QUIRE_S3_BUCKET over both add-ons, with the AWS_* keys", () => {
    const config = s3ConfigFromEnv({
      ...BUCKETEER,
      ...CLOUDCUBE,
      QUIRE_S3_BUCKET: "my-renditions",
      AWS_ACCESS_KEY_ID: "AKIAMINE",
      AWS_SECRET_ACCESS_KEY: "mine",
    });
    expect(config).toMatchObject({
      source: "QUIRE_S3_BUCKET",
      bucket: "my-renditions",
      accessKeyId: "AKIAMINE",
    });
  });

  it("prefers Bucketeer over Cloudcube when both are attached", () => {
    expect(s3ConfigFromEnv({ ...BUCKETEER, ...CLOUDCUBE })?.source).toBe("BUCKETEER");
  });
});

describe("s3ConfigFromEnv: mistakes, each naming its variable", () => {
  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      "a path in the bucket",
      { QUIRE_S3_BUCKET: "my-bucket/renditions" },
      "QUIRE_S3_BUCKET",
      /QUIRE_S3_PREFIX/,
    ],
    ["a URL as the bucket", { QUIRE_S3_BUCKET: "s3://my-bucket" }, "QUIRE_S3_BUCKET", /bare bucket name/],
    ["a too-short bucket", { QUIRE_S3_BUCKET: "ab" }, "QUIRE_S3_BUCKET", /3 to 63/],
    [
      "a host without a scheme",
      { QUIRE_S3_BUCKET: "my-bucket", QUIRE_S3_ENDPOINT: "localhost:9000" },
      "QUIRE_S3_ENDPOINT",
      /http/,
    ],
    [
      "a bad AWS endpoint",
      { QUIRE_S3_BUCKET: "my-bucket", AWS_ENDPOINT_URL_S3: "not a url" },
      "AWS_ENDPOINT_URL_S3",
      /http/,
    ],
    [
      "a public URL with a query",
      { QUIRE_S3_BUCKET: "my-bucket", QUIRE_S3_PUBLIC_URL: "https://cdn/?x=1" },
      "QUIRE_S3_PUBLIC_URL",
      /query/,
    ],
    [
      "a prefix with ..",
      { QUIRE_S3_BUCKET: "my-bucket", QUIRE_S3_PREFIX: "a/../b" },
      "QUIRE_S3_PREFIX",
      /\.\./,
    ],
    [
      "a prefix with an empty part",
      { QUIRE_S3_BUCKET: "my-bucket", QUIRE_S3_PREFIX: "a//b" },
      "QUIRE_S3_PREFIX",
      /empty/,
    ],
    [
      "a region with spaces",
      { QUIRE_S3_BUCKET: "my-bucket", AWS_REGION: "US East" },
      "AWS_REGION",
      /us-east-1/,
    ],
    [
      "a key without its secret",
      { QUIRE_S3_BUCKET: "my-bucket", AWS_ACCESS_KEY_ID: "k" },
      "AWS_SECRET_ACCESS_KEY",
      /AWS_ACCESS_KEY_ID/,
    ],
    [
      "a secret without its key",
      { QUIRE_S3_BUCKET: "my-bucket", AWS_SECRET_ACCESS_KEY: "s" },
      "AWS_ACCESS_KEY_ID",
      /AWS_SECRET_ACCESS_KEY/,
    ],
    [
      "a public URL but no bucket",
      { QUIRE_S3_PUBLIC_URL: "https://cdn.example.com" },
      "QUIRE_S3_PUBLIC_URL",
      /QUIRE_S3_BUCKET/,
    ],
    ["a prefix but no bucket", { QUIRE_S3_PREFIX: "renditions" }, "QUIRE_S3_PREFIX", /no bucket/],
  ];
  for (const [label, env, field, hint] of cases) {
    it(`refuses ${label}`, () => {
      const error = configError(env);
      expect(error).toMatchObject({ code: "E_CONFIG", field });
      expect(error.message.startsWith(field)).toBe(true);
      expect(error.message).toMatch(hint);
    });
  }

  it("does not mind AWS_ENDPOINT_URL_S3 alone, which other tools use", () => {
    expect(s3ConfigFromEnv({ AWS_ENDPOINT_URL_S3: "http://minio.internal:9000" })).toBeNull();
  });
});
