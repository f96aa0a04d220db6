/** `user` in templates (Publ's User): the signed-in reader's identity, name, groups, admin flag and bearer
 *  tokens; a signed-out reader's is Publ's empty user, false in `{% if user %}` and printed as Publ prints it. */
import type { Reader } from "./reader.js";
import { pyRepr } from "../template/jinja/python.js";
import { QuireError } from "../errors.js";

/** What `user.token()` needs from the site. */
export interface TokenMinter {
  token(identity: string, lifetimeSeconds: number, scope: string | null): string;
}

/** Publ's default `user.token()` lifetime when a template gives none: one day. */
const DEFAULT_TOKEN_SECONDS = 24 * 3600;

/** The signed-in reader as templates see them. */
export class TemplateUser {
  constructor(
    private readonly reader: Extract<Reader, { identity: string }>,
    private readonly minter: TokenMinter,
  ) {}

  get identity(): string {
    return this.reader.identity;
  }
  /** The identity without its scheme for web addresses (`example.com/me`), as Publ's `humanize`. */
  get humanize(): string {
    const id = this.reader.identity;
    try {
      const u = new URL(id);
      if (u.protocol === "http:" || u.protocol === "https:")
        return `${u.host}${u.pathname === "/" ? "" : u.pathname}`;
      if (u.protocol === "mailto:") return id.slice("mailto:".length);
    } catch {
      // not a URL: shown as it is
    }
    return id;
  }
  get name(): string {
    return this.humanize;
  }
  /** The groups of the identity (without the identity itself). */
  get groups(): readonly string[] {
    return this.reader.groups;
  }
  get is_admin(): boolean {
    return this.reader.access.isAdmin;
  }
  /** Quire does not tell crawlers apart; kept for templates written for Publ. */
  get is_bot(): boolean {
    return false;
  }
  /** `session` or `token`. */
  get auth_type(): string {
    return this.reader.kind;
  }
  get scope(): string | null {
    return this.reader.scope;
  }
  /** `user.token(lifetime, scope)`: a bearer token for this reader (e.g. a private feed URL for a feed reader). */
  token(lifetime?: unknown, scope?: unknown): string {
    const kw = isKeywords(lifetime) ? lifetime : isKeywords(scope) ? scope : null;
    const seconds = Number(
      kw?.lifetime ?? (isKeywords(lifetime) ? undefined : lifetime) ?? DEFAULT_TOKEN_SECONDS,
    );
    const s = kw?.scope ?? (isKeywords(scope) ? undefined : scope);
    return this.minter.token(
      this.reader.identity,
      Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TOKEN_SECONDS,
      typeof s === "string" && s !== "" ? s : null,
    );
  }
  /** As Publ prints a user: `User(('test:ann',_'session',_None))`. */
  toString(): string {
    return publRepr(this.reader.identity, this.reader.kind, this.reader.scope);
  }
}

/**
 * The signed-out reader as Publ 0.8's templates see them: a user with an empty identity, false in `{% if user %}`,
 * not a bot, in no group. It prints as Publ's does, `User(('',_None,_None))`, and mints no token.
 */
export class AnonymousTemplateUser {
  readonly identity = "";
  readonly humanize = "";
  readonly name = "";
  readonly groups: readonly string[] = [];
  readonly is_admin = false;
  readonly is_bot = false;
  readonly auth_type = null;
  readonly scope = null;
  /** Python's truthiness, which the template engine asks for: a signed-out reader is no user. */
  __bool__(): boolean {
    return false;
  }
  token(): string {
    throw new QuireError("E_TEMPLATE", "user.token(): no reader is signed in (test `{% if user %}` first)");
  }
  toString(): string {
    return publRepr("", null, null);
  }
}

// One for every signed-out page, so nothing may change it.
const ANONYMOUS_USER = Object.freeze(new AnonymousTemplateUser());

// Publ's User prints its key, (identity, auth_type, scope), as Python's repr with spaces written as "_".
function publRepr(identity: string, authType: string | null, scope: string | null): string {
  return `User((${[identity, authType, scope].map(pyRepr).join(", ")}))`.replace(/ /g, "_");
}

// Nunjucks passes keyword arguments as a trailing object marked __keywords.
function isKeywords(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && (v as { __keywords?: boolean }).__keywords === true;
}

/** The `user` value of a page: a TemplateUser for a signed-in reader, the anonymous user otherwise. */
export function templateUser(reader: Reader, minter: TokenMinter): TemplateUser | AnonymousTemplateUser {
  return reader.kind === "anonymous" ? ANONYMOUS_USER : new TemplateUser(reader, minter);
}
