/** Fediverse sign-in (Mastodon and servers with its API): a reader signs in with their account on their own
 *  instance. Quire registers an app there for the one sign-in (no server-side store: the signed state carries
 *  it), sends the reader to authorize it, redeems the code, reads who they are, and revokes the token. */
import { QuireError } from "../errors.js";

const TIMEOUT_MS = 5000;
const MAX_BYTES = 256 * 1024;
/** All Quire asks of the reader's account: who they are. */
export const FEDIVERSE_SCOPE = "read:accounts";

/** The instance a handle (`@name@host` or `name@host`) names, as an https origin; null for anything else. */
export function handleInstance(raw: string): string | null {
  const m = /^@?[A-Za-z0-9_.-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d{1,5})?)$/.exec(raw.trim());
  return m ? `https://${m[1]!.toLowerCase()}` : null;
}

async function call(url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, {
    redirect: "error",
    ...init,
    headers: { Accept: "application/json", ...(init.headers as Record<string, string>) },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new Error(`${url} answered more than ${MAX_BYTES} bytes`);
  return JSON.parse(text) as unknown;
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

/** Whether the origin answers Mastodon's instance API (`/api/v1/instance`). */
export async function isFediverseInstance(origin: string): Promise<boolean> {
  try {
    const info = (await call(`${origin}/api/v1/instance`)) as { uri?: unknown; version?: unknown };
    return typeof info?.uri === "string" && typeof info?.version === "string";
  } catch {
    return false;
  }
}

/** Registers an app at the instance for this sign-in; its client ID and secret. */
export async function registerApp(
  origin: string,
  options: { name: string; redirectUri: string; website: string },
): Promise<{ clientId: string; clientSecret: string }> {
  try {
    const app = (await call(
      `${origin}/api/v1/apps`,
      form({
        client_name: options.name.slice(0, 60) || "Quire",
        redirect_uris: options.redirectUri,
        scopes: FEDIVERSE_SCOPE,
        website: options.website,
      }),
    )) as { client_id?: unknown; client_secret?: unknown };
    if (typeof app.client_id !== "string" || typeof app.client_secret !== "string")
      throw new Error("no client_id or client_secret");
    return { clientId: app.client_id, clientSecret: app.client_secret };
  } catch (err) {
    throw new QuireError("E_AUTH_LOGIN", `${origin} did not let this site ask who you are`, { cause: err });
  }
}

/** Where the reader authorizes the app. */
export function authorizeUrl(origin: string, clientId: string, redirectUri: string, state: string): string {
  const url = new URL(`${origin}/oauth/authorize`);
  for (const [k, v] of Object.entries({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: FEDIVERSE_SCOPE,
    state,
  }))
    url.searchParams.set(k, v);
  return url.toString();
}

/**
 * Redeems the code, reads the account and revokes the token: the account's profile URL, which must be on the
 * instance's own host (an instance vouches for its accounts, not for other sites).
 */
export async function fediverseIdentity(options: {
  origin: string;
  code: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}): Promise<string> {
  const { origin, clientId, clientSecret } = options;
  let token: string;
  let profile: unknown;
  try {
    const grant = (await call(
      `${origin}/oauth/token`,
      form({
        grant_type: "authorization_code",
        code: options.code,
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uri: options.redirectUri,
        scope: FEDIVERSE_SCOPE,
      }),
    )) as { access_token?: unknown };
    if (typeof grant.access_token !== "string") throw new Error("no access_token");
    token = grant.access_token;
    const account = (await call(`${origin}/api/v1/accounts/verify_credentials`, {
      headers: { Authorization: `Bearer ${token}` },
    })) as { url?: unknown };
    profile = account.url;
  } catch (err) {
    throw new QuireError("E_AUTH_LOGIN", `${origin} did not confirm the sign-in`, { cause: err });
  }
  // The token was only needed to ask who the reader is; it is given back at once (best effort).
  void call(
    `${origin}/oauth/revoke`,
    form({ client_id: clientId, client_secret: clientSecret, token }),
  ).catch(() => undefined);
  if (typeof profile !== "string") throw new QuireError("E_AUTH_LOGIN", `${origin} named no account`);
  let url: URL;
  try {
    url = new URL(profile);
  } catch {
    throw new QuireError("E_AUTH_LOGIN", `${origin} named an account that is not a web address`);
  }
  if (url.host.toLowerCase() !== new URL(origin).host.toLowerCase() || !/^https?:$/.test(url.protocol))
    throw new QuireError("E_AUTH_LOGIN", `${profile} is not an account of ${origin}`);
  return url.toString();
}
