/**
 * Signed preview links: a URL that shows one entry that is not public yet (scheduled or a draft) until a
 * chosen time. `?preview=<expiry>.<signature>`, an HMAC of the entry's file and the expiry under a key
 * derived from the site secret, so every instance sharing QUIRE_SECRET accepts it and nothing is stored.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The query parameter that carries a preview token. */
export const PREVIEW_PARAM = "preview";

/** What a token says about an entry at a moment. */
export type PreviewCheck = "valid" | "expired" | "invalid";

/** Makes and checks preview tokens with one site's secret. */
export class PreviewLinks {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key of its own: a preview token can never pass for an image signature, nor the other way round.
    this.key = createHmac("sha256", secret).update("quire preview links v1").digest();
  }

  /** The token for the entry in `file` (relative to content/), valid until `expiresAt` (epoch ms). */
  token(file: string, expiresAt: number): string {
    const expiry = Math.ceil(expiresAt / 1000);
    return `${expiry}.${this.sign(file, expiry)}`;
  }

  /** Whether `token` opens the entry in `file` at `now` (epoch ms). */
  check(file: string, token: string, now: number): PreviewCheck {
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return "invalid";
    const expiry = Number(m[1]);
    const given = Buffer.from(m[2]!);
    const expected = Buffer.from(this.sign(file, expiry));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
    return expiry * 1000 > now ? "valid" : "expired";
  }

  private sign(file: string, expiry: number): string {
    return createHmac("sha256", this.key).update(`${file}\n${expiry}`).digest("base64url");
  }
}
