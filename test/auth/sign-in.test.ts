/** Signing in and reading private entries over HTTP: test identities, e-mail magic links through a real SMTP
 *  server on 127.0.0.1, bearer tokens, sign-out; and hostile input (forged, expired, truncated and replayed
 *  cookies, tokens and links, CSRF, header injection, open redirects), each refused with nothing signed in. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { setCookies } from "../helpers/cookies.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { Signer } from "../../src/auth/signed-value.js";

const SECRET = "sign-in-test-secret";
const entry = (id: number, title: string, extra: string, body: string) =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: 2024-0${id % 9 || 1}-01 10:00:00+00:00\n${extra}\n${body}\n`;

const files: Record<string, string> = {
  "quire.toml":
    '[site]\ntitle = "Sign-in test"\nbase_url = "http://localhost:3000"\n[auth]\ntest_identities = true\n',
  "users.cfg": "[admin]\ntest:admin\n\n[friends]\ntest:friend1\ntest:friend2\nmailto:reader@example.com\n",
  "templates/index.html": "{% for e in view.entries %}[{{ e.title }}]{% endfor %}",
  "templates/entry.html":
    "<h1>{{ entry.title }}</h1>{{ entry.body }}|user={{ user.identity if user else '-' }}",
  "templates/error.html": "error {{ error.code }}: {{ error.message }}",
  "templates/unauthorized.html": "not for you, {{ user.identity }}",
  "content/public.md": entry(1, "Public", "", "Everyone reads this."),
  "content/friends.md": entry(2, "Friends", "Auth: friends", "FRIENDS-ONLY text."),
  "content/not-friend2.md": entry(3, "Not two", "Auth: friends !test:friend2", "NOT-FRIEND2 text."),
  "content/admins.md": entry(4, "Admins", "Auth: admin", "ADMIN-ONLY text."),
};

interface Mail {
  to: string;
  raw: string;
}

let root: string;
let server: TestServer;
let smtp: SMTPServer;
const mails: Mail[] = [];
let mailWaiters: (() => void)[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(","),
          raw: Buffer.concat(chunks).toString(),
        });
        for (const w of mailWaiters) w();
        mailWaiters = [];
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  root = makeSite(files, "quire-sign-in-");
  server = await serveSite(root, { env: { QUIRE_SECRET: SECRET, SMTP_URL: `smtp://127.0.0.1:${port}` } });
});

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  if (root) removeSite(root);
});

/** A browser's sign-in form: its CSRF cookie and the form token that goes with it. */
async function openForm(path = "/_login"): Promise<{ cookie: string; csrf: string; html: string }> {
  const res = await server.get(path);
  const html = await res.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(csrf, html).toBeTruthy();
  return { cookie: `quire_csrf=${setCookies(res).quire_csrf}`, csrf: csrf!, html };
}

async function post(form: Record<string, string>, cookie: string): Promise<Response> {
  return server.get("/_login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams(form).toString(),
  });
}

async function signInAs(
  identity: string,
  redirect = "/",
): Promise<{ res: Response; session: string | undefined }> {
  const { cookie, csrf } = await openForm();
  const res = await post({ csrf, me: identity, redirect }, cookie);
  return { res, session: setCookies(res).quire_session };
}

const read = async (path: string, headers: Record<string, string> = {}) => {
  const res = await server.get(path, { headers });
  return { status: res.status, body: await res.text(), res };
};
const session = (value: string) => ({ Cookie: `quire_session=${value}` });

describe("signing in with a test identity", () => {
  it("shows a signed-in friend the friends entry and lists it; a signed-out reader gets 401", async () => {
    expect((await read("/2")).status).toBe(401);
    const { res, session: s } = await signInAs("test:friend1", "/2-Friends");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/2-Friends");
    const cookieLine = res.headers.getSetCookie().find((c) => c.startsWith("quire_session="))!;
    expect(cookieLine).toMatch(/HttpOnly/i);
    expect(cookieLine).toMatch(/SameSite=Lax/i);
    expect(cookieLine).not.toMatch(/Secure/i);
    const page = await read("/2-Friends", session(s!));
    expect(page.status).toBe(200);
    expect(page.body).toContain("FRIENDS-ONLY text.");
    expect(page.body).toContain("user=test:friend1");
    expect(page.res.headers.get("cache-control")).toMatch(/private/);
    expect((await read("/", session(s!))).body).toContain("[Friends]");
    expect((await read("/")).body).not.toContain("[Friends]");
  });

  it("answers 403 through the unauthorized template to a friend the rule refuses", async () => {
    const { session: s } = await signInAs("test:friend2");
    const page = await read("/3", session(s!));
    expect(page.status).toBe(403);
    expect(page.body).toBe("not for you, test:friend2");
    expect((await read("/", session(s!))).body).not.toContain("[Not two]");
  });

  it("lets an admin read everything", async () => {
    const { session: s } = await signInAs("test:admin");
    for (const id of [2, 3, 4]) expect((await read(`/${id}`, session(s!))).status, `/${id}`).toBe(301);
    expect((await read("/4-Admins", session(s!))).body).toContain("ADMIN-ONLY text.");
  });

  it("signs out: the cookie is removed and the entry answers 401 again", async () => {
    const { session: s } = await signInAs("test:friend1");
    const out = await server.get("/_logout", { headers: session(s!) });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().find((c) => c.startsWith("quire_session="))).toMatch(/Max-Age=0/);
    expect((await read("/2-Friends")).status).toBe(401);
  });
});

describe("e-mail magic links through a real SMTP server", () => {
  async function askForLink(address: string): Promise<string> {
    const { cookie, csrf } = await openForm();
    const before = mails.length;
    const arrived = new Promise<void>((resolve) => mailWaiters.push(resolve));
    const res = await post({ csrf, email: address, redirect: "/2-Friends" }, cookie);
    expect(res.status).toBe(200);
    if (mails.length === before) await arrived;
    const mail = mails[mails.length - 1]!;
    expect(mail.to).toBe(address);
    const link = /(http:\/\/\S+\/_login\?t=\S+)/.exec(mail.raw.replace(/=\r?\n/g, ""))?.[1];
    expect(link, mail.raw).toBeTruthy();
    return link!.replace(/=3D/g, "=");
  }

  it("mails a link that signs the reader in once, and never again", async () => {
    const link = await askForLink("reader@example.com");
    const path = link.slice(link.indexOf("/_login"));
    const confirm = await server.get(path);
    const html = await confirm.text();
    expect(html).toContain("reader@example.com");
    // Opening the link signs nobody in (a mail scanner may open it); the button does.
    expect(setCookies(confirm).quire_session).toBeUndefined();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const t = /name="t" value="([^"]+)"/.exec(html)![1]!;
    const cookie = `quire_csrf=${setCookies(confirm).quire_csrf}`;
    const first = await post({ csrf, t }, cookie);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/2-Friends");
    const s = setCookies(first).quire_session!;
    expect((await read("/2-Friends", session(s))).body).toContain("user=mailto:reader@example.com");
    const replay = await post({ csrf, t }, cookie);
    expect(replay.status).toBe(400);
    expect(setCookies(replay).quire_session).toBeUndefined();
  });

  it("refuses an address that would inject a header, and sends nothing", async () => {
    const { cookie, csrf } = await openForm();
    const before = mails.length;
    for (const email of [
      "a@example.com\r\nBcc: x@evil.example",
      "a@example.com, x@evil.example",
      "<a@example.com>",
    ]) {
      const res = await post({ csrf, email }, cookie);
      expect(res.status, email).toBe(400);
    }
    expect(mails.length).toBe(before);
  });

  it("refuses an expired or forged link", async () => {
    const signer = new Signer(SECRET);
    const expired = signer.sign(
      { p: "magic", me: "mailto:reader@example.com", jti: "x1", to: "/" },
      60,
      Date.now() - 3600_000,
    );
    const forged = new Signer("another-secret").sign(
      { p: "magic", me: "mailto:reader@example.com", jti: "x2" },
      600,
    );
    for (const t of [expired, forged, expired.slice(0, -5)]) {
      expect((await server.get(`/_login?t=${encodeURIComponent(t)}`)).status).toBe(400);
      const { cookie, csrf } = await openForm();
      const res = await post({ csrf, t }, cookie);
      expect(res.status).toBe(400);
      expect(setCookies(res).quire_session).toBeUndefined();
    }
  });
});

/**
 * A reader's own website speaking IndieAuth: its home page names an authorization endpoint, which approves
 * at once, and redeems a code only with the PKCE verifier whose S256 challenge it was given.
 */
async function startIndieAuthSite(
  me: (origin: string) => string,
): Promise<{ origin: string; close(): Promise<void> }> {
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  let origin = "";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, {
        "Content-Type": "text/html",
        Link: `<${origin}/metadata>; rel="indieauth-metadata"`,
      });
      return void res.end(`<!doctype html><link rel="authorization_endpoint" href="/auth"><p>my site</p>`);
    }
    if (req.method === "GET" && url.pathname === "/metadata") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return void res.end(JSON.stringify({ issuer: `${origin}/`, authorization_endpoint: `${origin}/auth` }));
    }
    if (req.method === "GET" && url.pathname === "/auth") {
      const q = url.searchParams;
      if (q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256") {
        res.writeHead(400);
        return void res.end("bad request");
      }
      const code = `code-${codes.size + 1}`;
      codes.set(code, {
        challenge: q.get("code_challenge")!,
        redirectUri: q.get("redirect_uri")!,
        clientId: q.get("client_id")!,
      });
      const back = new URL(q.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state")!);
      res.writeHead(302, { Location: back.toString() });
      return void res.end();
    }
    if (req.method === "POST" && url.pathname === "/auth") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const f = new URLSearchParams(body);
        const grant = codes.get(f.get("code") ?? "");
        codes.delete(f.get("code") ?? "");
        const verifier = f.get("code_verifier") ?? "";
        const ok =
          grant !== undefined &&
          grant.redirectUri === f.get("redirect_uri") &&
          grant.clientId === f.get("client_id") &&
          createHash("sha256").update(verifier).digest("base64url") === grant.challenge;
        res.writeHead(ok ? 200 : 400, { "Content-Type": "application/json" });
        res.end(JSON.stringify(ok ? { me: me(origin) } : { error: "invalid_grant" }));
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("IndieAuth against a second local server", () => {
  /** Starts a sign-in with `profile` and follows it through the endpoint back to Quire. */
  async function signInWith(
    profile: string,
  ): Promise<{ status: number; session?: string; location: string | null }> {
    const { cookie, csrf } = await openForm();
    const start = await post({ csrf, me: profile, redirect: "/2-Friends" }, cookie);
    expect(start.status).toBe(303);
    const endpoint = await fetch(start.headers.get("location")!, { redirect: "manual" });
    expect(endpoint.status).toBe(302);
    const back = new URL(endpoint.headers.get("location")!);
    const done = await server.get(back.pathname + back.search, { headers: { Cookie: cookie } });
    return {
      status: done.status,
      session: setCookies(done).quire_session,
      location: done.headers.get("location"),
    };
  }

  it("signs a reader in with their own website", async () => {
    const site = await startIndieAuthSite((origin) => `${origin}/`);
    try {
      const result = await signInWith(site.origin);
      expect(result.status).toBe(303);
      expect(result.location).toBe("/2-Friends");
      const page = await read("/1-Public", session(result.session!));
      expect(page.body).toContain(`user=${site.origin}/`);
      // Not in users.cfg: signed in, but not a friend.
      expect((await read("/2-Friends", session(result.session!))).status).toBe(403);
    } finally {
      await site.close();
    }
  });

  it("refuses an endpoint that vouches for a profile on another site", async () => {
    const site = await startIndieAuthSite(() => "https://someone-else.example/");
    try {
      const result = await signInWith(site.origin);
      expect(result.status).toBe(400);
      expect(result.session).toBeUndefined();
    } finally {
      await site.close();
    }
  });

  it("refuses a callback from another browser or with a forged state", async () => {
    const site = await startIndieAuthSite((origin) => `${origin}/`);
    try {
      const { cookie, csrf } = await openForm();
      const start = await post({ csrf, me: site.origin, redirect: "/" }, cookie);
      const endpoint = await fetch(start.headers.get("location")!, { redirect: "manual" });
      const back = new URL(endpoint.headers.get("location")!);
      const other = await openForm();
      const stolen = await server.get(back.pathname + back.search, { headers: { Cookie: other.cookie } });
      expect(stolen.status).toBe(403);
      expect(setCookies(stolen).quire_session).toBeUndefined();
      back.searchParams.set("state", back.searchParams.get("state")!.slice(0, -4) + "AAAA");
      const forged = await server.get(back.pathname + back.search, { headers: { Cookie: cookie } });
      expect(forged.status).toBe(403);
    } finally {
      await site.close();
    }
  });
});

describe("bearer tokens", () => {
  it("read what the identity may read, in listings too", async () => {
    const token = server.site.auth.token("test:friend1", 3600);
    const page = await read("/2-Friends", { Authorization: `Bearer ${token}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain("FRIENDS-ONLY text.");
    expect((await read("/", { Authorization: `Bearer ${token}` })).body).toContain("[Friends]");
  });

  it("refuse forged, expired, truncated and wrong-purpose tokens with 401 and nothing shown", async () => {
    const signer = new Signer(SECRET);
    const good = signer.sign({ p: "token", me: "test:admin" }, 3600);
    const bad = [
      new Signer("another").sign({ p: "token", me: "test:admin" }, 3600),
      signer.sign({ p: "token", me: "test:admin" }, 60, Date.now() - 3600_000),
      good.slice(0, -3),
      signer.sign({ p: "session", me: "test:admin" }, 3600),
      "not-a-token",
    ];
    for (const t of bad) {
      const page = await read("/4-Admins", { Authorization: `Bearer ${t}` });
      expect(page.status).toBe(401);
      expect(page.res.headers.get("www-authenticate")).toContain("invalid_token");
      expect(page.body).not.toContain("ADMIN-ONLY");
    }
  });
});

describe("hostile sign-in input", () => {
  it("treats forged, expired, truncated and wrong-purpose session cookies as signed out", async () => {
    const signer = new Signer(SECRET);
    const good = signer.sign({ p: "session", me: "test:admin" }, 3600);
    for (const value of [
      new Signer("another").sign({ p: "session", me: "test:admin" }, 3600),
      signer.sign({ p: "session", me: "test:admin" }, 60, Date.now() - 3600_000),
      good.slice(0, good.length - 4),
      signer.sign({ p: "token", me: "test:admin" }, 3600),
      `${good.split(".")[0]}x.${good.split(".")[1]}`,
    ]) {
      const page = await read("/4", session(value));
      expect(page.status).toBe(401);
      expect(page.body).not.toContain("ADMIN-ONLY");
    }
  });

  it("refuses a sign-in form without this browser's form token (CSRF)", async () => {
    const mine = await openForm();
    const theirs = await openForm();
    for (const [form, cookie] of [
      [{ me: "test:admin" }, mine.cookie],
      [{ me: "test:admin", csrf: theirs.csrf }, mine.cookie],
      [{ me: "test:admin", csrf: mine.csrf }, ""],
    ] as const) {
      const res = await post(form, cookie);
      expect(res.status).toBe(403);
      expect(setCookies(res).quire_session).toBeUndefined();
    }
  });

  it("never redirects off the site after signing in or out", async () => {
    for (const target of [
      "//evil.example/x",
      "https://evil.example/",
      "/\\evil.example",
      "javascript:alert(1)",
      "/ok\r\nSet-Cookie: x=1",
    ]) {
      const { res } = await signInAs("test:friend1", target);
      expect(res.headers.get("location"), target).toBe("/");
      const out = await server.get(`/_logout?redirect=${encodeURIComponent(target)}`);
      expect(out.headers.get("location"), target).toBe("/");
    }
  });
});

describe("test identities in production", () => {
  it("are refused", async () => {
    const prod = await serveSite(root, { env: { QUIRE_SECRET: SECRET, NODE_ENV: "production" } });
    try {
      const res = await prod.get("/_login");
      const html = await res.text();
      expect(html).not.toContain('id="login-test"');
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
      const cookie = `quire_csrf=${setCookies(res).quire_csrf ?? ""}`;
      const attempt = await prod.get("/_login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
        body: new URLSearchParams({ csrf, me: "test:admin" }).toString(),
      });
      expect(attempt.status).toBe(403);
      expect(setCookies(attempt).quire_session).toBeUndefined();
    } finally {
      await prod.stop();
    }
  });
});
