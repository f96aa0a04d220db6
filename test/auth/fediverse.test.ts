/** Fediverse sign-in against a second local HTTP server speaking Mastodon's API (instance, apps, OAuth
 *  authorize and token, verify_credentials, revoke): a reader signs in with their account and reads an entry
 *  their profile URL is admitted to; an instance that vouches for another site, a callback in another
 *  browser and a forged state are refused. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setCookies } from "../helpers/cookies.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { handleInstance } from "../../src/auth/fediverse.js";

interface Instance {
  origin: string;
  revoked: string[];
  apps: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

/** A Mastodon-like instance whose one account is `accountUrl(origin)`; it approves every authorization. */
async function startInstance(accountUrl: (origin: string) => string): Promise<Instance> {
  const apps = new Map<string, { secret: string; redirect: string }>();
  const codes = new Map<string, string>();
  const tokens = new Set<string>();
  const state: Instance = { origin: "", revoked: [], apps: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, state.origin);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === "/" || url.pathname === "/api/v1/instance") {
        if (url.pathname === "/") return res.end("<!doctype html><title>An instance</title>");
        return json(200, { uri: new URL(state.origin).host, version: "4.3.0" });
      }
      if (url.pathname === "/api/v1/apps" && req.method === "POST") {
        const body = await readBody(req);
        const id = `client${++state.apps}`;
        apps.set(id, { secret: `secret-${id}`, redirect: body.get("redirect_uris")! });
        return json(200, { client_id: id, client_secret: `secret-${id}` });
      }
      if (url.pathname === "/oauth/authorize") {
        const app = apps.get(url.searchParams.get("client_id") ?? "");
        if (!app || app.redirect !== url.searchParams.get("redirect_uri")) return json(400, { error: "bad" });
        const code = `code-${codes.size + 1}`;
        codes.set(code, url.searchParams.get("client_id")!);
        const back = new URL(app.redirect);
        back.searchParams.set("code", code);
        back.searchParams.set("state", url.searchParams.get("state")!);
        res.writeHead(302, { Location: back.toString() });
        return res.end();
      }
      if (url.pathname === "/oauth/token" && req.method === "POST") {
        const body = await readBody(req);
        const client = body.get("client_id")!;
        const app = apps.get(client);
        if (
          !app ||
          app.secret !== body.get("client_secret") ||
          codes.get(body.get("code") ?? "") !== client ||
          app.redirect !== body.get("redirect_uri")
        )
          return json(400, { error: "invalid_grant" });
        codes.delete(body.get("code")!);
        const token = `token-${client}`;
        tokens.add(token);
        return json(200, { access_token: token, token_type: "Bearer", scope: "read:accounts" });
      }
      if (url.pathname === "/api/v1/accounts/verify_credentials") {
        const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        if (!tokens.has(token)) return json(401, { error: "invalid token" });
        return json(200, { acct: "alice", url: accountUrl(state.origin) });
      }
      if (url.pathname === "/oauth/revoke" && req.method === "POST") {
        const token = (await readBody(req)).get("token")!;
        tokens.delete(token);
        state.revoked.push(token);
        return json(200, {});
      }
      json(404, { error: "not found" });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

let root: string;
let quire: TestServer;
let instance: Instance;

beforeAll(async () => {
  instance = await startInstance((origin) => `${origin}/@alice`);
  root = makeSite(
    {
      "quire.toml": '[site]\ntitle = "Fediverse test"\nbase_url = "http://localhost:3000"\n',
      "users.cfg": `[friends]\n${instance.origin}/@alice\n`,
      "templates/entry.html":
        "<h1>{{ entry.title }}</h1>{{ entry.body }}|user={{ user.identity if user else '-' }}",
      "content/friends.md":
        "Title: Friends\nEntry-ID: 2\nDate: 2024-01-01\nAuth: friends\n\nFRIENDS-ONLY text.\n",
    },
    "quire-fediverse-",
  );
  quire = await serveSite(root, { env: { QUIRE_SECRET: "fediverse-secret" } });
});

afterAll(async () => {
  await quire?.stop();
  await instance?.close();
  if (root) removeSite(root);
});

async function openForm(): Promise<{ cookie: string; csrf: string }> {
  const res = await quire.get("/_login");
  const csrf = /name="csrf" value="([^"]+)"/.exec(await res.text())![1]!;
  return { cookie: `quire_csrf=${setCookies(res).quire_csrf}`, csrf };
}

/** Starts a sign-in with what the reader typed; the callback URL (on Quire) the instance sent them back to. */
async function throughInstance(typed: string, cookie: string, csrf: string): Promise<URL> {
  const start = await quire.get("/_login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams({ csrf, me: typed, redirect: "/2-Friends" }).toString(),
  });
  expect(start.status, await start.clone().text()).toBe(303);
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  expect(authorize.status).toBe(302);
  return new URL(authorize.headers.get("location")!);
}

describe("Fediverse sign-in against a local instance", () => {
  it("signs a reader in with their account, lets them read, and gives the token back", async () => {
    const { cookie, csrf } = await openForm();
    const back = await throughInstance(instance.origin, cookie, csrf);
    const done = await quire.get(back.pathname + back.search, { headers: { Cookie: cookie } });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/2-Friends");
    const session = setCookies(done).quire_session!;
    const page = await quire.get("/2-Friends", { headers: { Cookie: `quire_session=${session}` } });
    const body = await page.text();
    expect(page.status).toBe(200);
    expect(body).toContain("FRIENDS-ONLY text.");
    expect(body).toContain(`user=${instance.origin}/@alice`);
    await expect.poll(() => instance.revoked.length).toBeGreaterThan(0);
  });

  it("refuses a callback in another browser, and a forged state", async () => {
    const { cookie, csrf } = await openForm();
    const back = await throughInstance(instance.origin, cookie, csrf);
    const other = await openForm();
    const stolen = await quire.get(back.pathname + back.search, { headers: { Cookie: other.cookie } });
    expect(stolen.status).toBe(403);
    expect(setCookies(stolen).quire_session).toBeUndefined();
    back.searchParams.set("state", back.searchParams.get("state")!.slice(0, -4) + "AAAA");
    const forged = await quire.get(back.pathname + back.search, { headers: { Cookie: cookie } });
    expect(forged.status).toBe(403);
    expect(setCookies(forged).quire_session).toBeUndefined();
  });

  it("refuses an instance that vouches for an account on another site", async () => {
    const liar = await startInstance(() => "https://victim.example/");
    try {
      const { cookie, csrf } = await openForm();
      const back = await throughInstance(liar.origin, cookie, csrf);
      const done = await quire.get(back.pathname + back.search, { headers: { Cookie: cookie } });
      expect(done.status).toBe(400);
      expect(await done.text()).toContain("is not an account of");
      expect(setCookies(done).quire_session).toBeUndefined();
    } finally {
      await liar.close();
    }
  });
});

describe("handleInstance", () => {
  it("reads @name@host and name@host as the host's https origin, and nothing else", () => {
    expect(handleInstance("@alice@mastodon.social")).toBe("https://mastodon.social");
    expect(handleInstance("bob@Example.ORG")).toBe("https://example.org");
    for (const other of ["https://mastodon.social/@alice", "alice", "@alice@", "a@b@c.d", "@a@host/x"])
      expect(handleInstance(other), other).toBeNull();
  });
});
