/** Signed, expiring values (session cookies, bearer tokens, magic links, form tokens): a JSON claim and an
 *  HMAC-SHA256 under a key derived from the site secret, so every instance verifies without shared state. */
import { createHmac, timingSafeEqual } from "node:crypto";

/** What a signed value is for: a value made for one purpose is refused for every other. */
export type Purpose = "session" | "token" | "magic" | "form" | "indieauth" | "fediverse";

/** The claim inside a signed value. */
export interface Claim {
  /** Purpose. */
  p: Purpose;
  /** The identity (Publ's `me`), or for a form token the browser nonce it is bound to. */
  me: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Issued at, epoch seconds. */
  iat: number;
  /** A bearer token's scope, if any. */
  scope?: string;
  /** A magic link's single-use ID; where the reader goes after signing in. */
  jti?: string;
  to?: string;
  /** An IndieAuth sign-in's authorization endpoint, and the browser nonce the sign-in is bound to. */
  ep?: string;
  n?: string;
  /** A Fediverse sign-in's app, registered at the reader's instance for this one sign-in. */
  cid?: string;
  cs?: string;
}

/** Longest signed value accepted: a cookie or header any longer is refused unread. */
const MAX_LENGTH = 4096;

/** Signs and verifies claims with one site secret. */
export class Signer {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key of its own: the rendition signatures use the secret too, and neither must vouch for the other.
    this.key = createHmac("sha256", secret).update("quire auth v1").digest();
  }

  /** Signs a claim that expires `lifetimeSeconds` after `now` (epoch ms). */
  sign(claim: Omit<Claim, "exp" | "iat">, lifetimeSeconds: number, now: number = Date.now()): string {
    const iat = Math.floor(now / 1000);
    const full: Claim = { ...claim, iat, exp: iat + Math.max(1, Math.floor(lifetimeSeconds)) };
    const body = Buffer.from(JSON.stringify(full)).toString("base64url");
    return `${body}.${this.mac(body)}`;
  }

  /** The claim of a value signed for `purpose`, or null when it is forged, truncated, expired or for another purpose. */
  verify(value: string | undefined | null, purpose: Purpose, now: number = Date.now()): Claim | null {
    if (typeof value !== "string" || value.length > MAX_LENGTH) return null;
    const dot = value.indexOf(".");
    if (dot <= 0 || dot !== value.lastIndexOf(".")) return null;
    const body = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), "base64url");
    const expected = Buffer.from(this.mac(body), "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claim: Claim;
    try {
      claim = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Claim;
    } catch {
      return null;
    }
    if (claim === null || typeof claim !== "object" || claim.p !== purpose) return null;
    if (typeof claim.me !== "string" || claim.me === "" || typeof claim.exp !== "number") return null;
    if (claim.exp * 1000 <= now) return null;
    return claim;
  }

  /** A value only this site can compute from `input` (e.g. a PKCE verifier from a sign-in's state). */
  derive(label: string, input: string): string {
    return createHmac("sha256", this.key).update(`${label}\0${input}`).digest("base64url");
  }

  private mac(body: string): string {
    return createHmac("sha256", this.key).update(body).digest("base64url");
  }
}
