/** IndieAuth sign-in (a reader signs in with their own website): profile URL rules, endpoint discovery
 *  (`indieauth-metadata` or `authorization_endpoint`, in a Link header or the page), PKCE and the code
 *  exchange. Stateless: the state is a signed value, the PKCE verifier is derived from it with the key. */
import { createHash } from "node:crypto";
import { QuireError } from "../errors.js";

/** Longest page or JSON read from a reader's site, and how long to wait for it. */
const MAX_BYTES = 256 * 1024;
const TIMEOUT_MS = 5000;

/** A profile URL as IndieAuth wants it (http(s), no fragment, no user/password, path at least `/`), or null. */
export function canonicalProfile(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  let text = raw.trim();
  if (text === "" || text.length > 512) return null;
  if (!/^https?:\/\//i.test(text)) text = `https://${text}`;
  try {
    const u = new URL(text);
    if ((u.protocol !== "http:" && u.protocol !== "https:") || u.username || u.password || u.hash)
      return null;
    if (u.pathname === "") u.pathname = "/";
    return u.toString();
  } catch {
    return null;
  }
}

/** The S256 challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

async function fetchLimited(
  url: string,
  init: RequestInit = {},
): Promise<Response & { text(): Promise<string> }> {
  const res = await fetch(url, { redirect: "follow", ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const length = Number(res.headers.get("content-length") ?? 0);
  if (length > MAX_BYTES)
    throw new QuireError("E_AUTH_LOGIN", `${url} answered more than ${MAX_BYTES} bytes`);
  return res;
}

function linkHeaderTarget(header: string | null, rel: string, base: string): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (m && new RegExp(`rel="?[^"]*\\b${rel}\\b`, "i").test(m[2]!)) return new URL(m[1]!, base).toString();
  }
  return null;
}

function htmlLinkTarget(html: string, rel: string, base: string): string | null {
  for (const tag of html.match(/<link\b[^>]*>/gi) ?? []) {
    const relAttr = /\brel\s*=\s*["']?([^"'>]+)/i.exec(tag)?.[1] ?? "";
    if (!relAttr.split(/\s+/).includes(rel)) continue;
    const href = /\bhref\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1];
    if (href) return new URL(href, base).toString();
  }
  return null;
}

/** Where a profile's authorization endpoint is (metadata first, then the older rel), or an error naming the page. */
export async function discoverAuthorizationEndpoint(profile: string): Promise<string> {
  let res: Response;
  try {
    res = await fetchLimited(profile, { headers: { Accept: "text/html" } });
  } catch (err) {
    throw new QuireError("E_AUTH_LOGIN", `${profile} could not be read`, { cause: err });
  }
  const base = res.url || profile;
  const html = (await res.text()).slice(0, MAX_BYTES);
  const links = res.headers.get("link");
  const metadata =
    linkHeaderTarget(links, "indieauth-metadata", base) ?? htmlLinkTarget(html, "indieauth-metadata", base);
  if (metadata) {
    try {
      const meta = (await (
        await fetchLimited(metadata, { headers: { Accept: "application/json" } })
      ).json()) as {
        authorization_endpoint?: unknown;
      };
      if (typeof meta.authorization_endpoint === "string")
        return new URL(meta.authorization_endpoint, metadata).toString();
    } catch {
      // fall through to the older discovery
    }
  }
  const endpoint =
    linkHeaderTarget(links, "authorization_endpoint", base) ??
    htmlLinkTarget(html, "authorization_endpoint", base);
  if (!endpoint) throw new QuireError("E_AUTH_LOGIN", `${profile} names no IndieAuth authorization endpoint`);
  return endpoint;
}

/** Redeems an authorization code at the endpoint; the profile URL it vouches for, or an error. */
export async function redeemCode(options: {
  endpoint: string;
  code: string;
  clientId: string;
  redirectUri: string;
  verifier: string;
}): Promise<string> {
  let body: { me?: unknown };
  try {
    const res = await fetchLimited(options.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: options.code,
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        code_verifier: options.verifier,
      }).toString(),
    });
    if (!res.ok) throw new Error(`the endpoint answered ${res.status}`);
    body = (await res.json()) as { me?: unknown };
  } catch (err) {
    throw new QuireError("E_AUTH_LOGIN", "the authorization endpoint did not accept the sign-in", {
      cause: err,
    });
  }
  const me = canonicalProfile(body.me);
  if (!me) throw new QuireError("E_AUTH_LOGIN", "the authorization endpoint returned no profile URL");
  return me;
}

/** Whether the endpoint's answer may stand for what the reader typed: the same host (IndieAuth §5.4). */
export function sameHost(typed: string, returned: string): boolean {
  return new URL(typed).host.toLowerCase() === new URL(returned).host.toLowerCase();
}
