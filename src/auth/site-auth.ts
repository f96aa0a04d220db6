/** A site's readers: who a request comes from (bearer token, then session cookie, else anonymous), the
 *  session cookie itself, bearer tokens, and the access log line of a protected entry. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, isAbsolute } from "node:path";
import { parseCookie, stringifySetCookie } from "cookie";
import type { QuireConfig } from "../config/schema.js";
import type { Logger } from "../log.js";
import { Signer } from "./signed-value.js";
import { UsersFile, type Memberships } from "./users-file.js";
import { ANONYMOUS_READER, identifiedReader, type Reader, type ReaderDirectory } from "./reader.js";

/** The session cookie's name. */
export const SESSION_COOKIE = "quire_session";

/** Longest bearer token lifetime `quire token` and `user.token()` will sign: a year. */
export const MAX_TOKEN_SECONDS = 365 * 24 * 3600;

export interface SiteAuthOptions {
  config: QuireConfig;
  /** The site folder (users.cfg is relative to it). */
  siteRoot: string;
  secret: string;
  logger: Logger;
  now?: () => number;
}

/** Who asks, or why their credentials were refused (a request with a bad token is answered 401, never served). */
export type ReaderResult = { reader: Reader; refused?: undefined } | { reader: Reader; refused: string };

/** A site's readers: one per site, shared by every request. */
export class SiteAuth implements ReaderDirectory {
  readonly signer: Signer;
  readonly users: UsersFile;
  readonly adminGroup: string;
  private readonly config: QuireConfig["auth"];
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(options: SiteAuthOptions) {
    this.config = options.config.auth;
    this.adminGroup = this.config.admin_group;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.signer = new Signer(options.secret);
    const file = this.config.users_file;
    this.users = new UsersFile(
      isAbsolute(file) ? file : join(options.siteRoot, file),
      (p) => this.logger.warn({ code: p.code, file: p.file }, p.message),
      this.now,
    );
  }

  memberships(): Memberships {
    return this.users.current();
  }

  /** Establishes the reader of a request: a bearer token wins over a session cookie; neither is anonymous. */
  readerFor(req: IncomingMessage): ReaderResult {
    const now = this.now();
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const claim = m ? this.signer.verify(m[1], "token", now) : null;
      if (!claim)
        return { reader: ANONYMOUS_READER, refused: "the bearer token is not valid or has expired" };
      return { reader: identifiedReader(this, claim.me, "token", claim.exp * 1000, claim.scope ?? null) };
    }
    const cookieHeader = req.headers.cookie;
    if (cookieHeader === undefined || !cookieHeader.includes(SESSION_COOKIE))
      return { reader: ANONYMOUS_READER };
    let value: string | undefined;
    try {
      value = parseCookie(cookieHeader)[SESSION_COOKIE];
    } catch {
      value = undefined;
    }
    const claim = this.signer.verify(value, "session", now);
    // A forged, truncated or expired cookie is simply no sign-in.
    if (!claim) return { reader: ANONYMOUS_READER };
    return { reader: identifiedReader(this, claim.me, "session", claim.exp * 1000) };
  }

  /** Whether the request reached us over HTTPS (X-Forwarded-Proto counts only when the proxy is trusted). */
  isHttps(req: IncomingMessage): boolean {
    if (this.config.trust_proxy) {
      const proto = String(req.headers["x-forwarded-proto"] ?? "")
        .split(",")[0]!
        .trim()
        .toLowerCase();
      if (proto !== "") return proto === "https";
    }
    return (req.socket as { encrypted?: boolean }).encrypted === true;
  }

  /** Signs the reader in: a signed, expiring, HttpOnly, SameSite=Lax cookie (Secure over HTTPS). */
  startSession(req: IncomingMessage, res: ServerResponse, identity: string): void {
    const seconds = this.config.session_days * 24 * 3600;
    const value = this.signer.sign({ p: "session", me: identity }, seconds, this.now());
    appendSetCookie(
      res,
      stringifySetCookie(SESSION_COOKIE, value, {
        httpOnly: true,
        sameSite: "lax",
        secure: this.isHttps(req),
        path: "/",
        maxAge: seconds,
      }),
    );
  }

  /** Signs the reader out (the cookie is removed; a copy kept elsewhere still expires on its own). */
  endSession(req: IncomingMessage, res: ServerResponse): void {
    appendSetCookie(
      res,
      stringifySetCookie(SESSION_COOKIE, "", {
        httpOnly: true,
        sameSite: "lax",
        secure: this.isHttps(req),
        path: "/",
        maxAge: 0,
      }),
    );
  }

  /** A bearer token for an identity (`quire token`, `user.token()`): lifetime in seconds, capped at a year. */
  token(identity: string, lifetimeSeconds: number, scope: string | null = null): string {
    const seconds = Math.min(Math.max(1, Math.floor(lifetimeSeconds)), MAX_TOKEN_SECONDS);
    return this.signer.sign({ p: "token", me: identity, ...(scope ? { scope } : {}) }, seconds, this.now());
  }

  /** One structured log line for a request for a file only private entries refer to. */
  logFileAccess(reader: Reader, file: string, allowed: boolean): void {
    this.logger.info(
      {
        event: "file_access",
        file: `content/${file}`,
        reader: reader.kind === "anonymous" ? null : reader.identity,
        auth_type: reader.kind,
        allowed,
      },
      `${allowed ? "allowed" : "refused"} ${reader.kind === "anonymous" ? "a signed-out reader" : reader.identity} file content/${file}`,
    );
  }

  /** One structured log line per access to a protected entry (log drains keep them; no database needed). */
  logAccess(reader: Reader, entry: { id: number; file: string }, allowed: boolean): void {
    this.logger.info(
      {
        event: "entry_access",
        entry: entry.id,
        file: entry.file,
        reader: reader.kind === "anonymous" ? null : reader.identity,
        auth_type: reader.kind,
        groups: reader.kind === "anonymous" ? [] : reader.groups,
        allowed,
      },
      `${allowed ? "allowed" : "refused"} ${reader.kind === "anonymous" ? "a signed-out reader" : reader.identity} entry ${entry.id}`,
    );
  }
}

function appendSetCookie(res: ServerResponse, cookie: string): void {
  const prev = res.getHeader("Set-Cookie");
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
  res.setHeader("Set-Cookie", [...list, cookie]);
}
