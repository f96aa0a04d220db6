/** Sign-in and sign-out under Publ's paths, `/_login` and `/_logout`: e-mail magic links, development test
 *  identities, CSRF-protected forms (a signed form token bound to a per-browser nonce cookie), safe redirects. */
import { randomBytes } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import { parseCookie, stringifySetCookie } from "cookie";
import type { Logger } from "../log.js";
import type { SiteAuth } from "./site-auth.js";
import { cleanAddress, MagicMailer, RateLimit, UsedLinks, mailSettingsFromEnv } from "./magic-mail.js";
import { loginPage, messagePage, confirmPage, NO_ADDRESS } from "./login-pages.js";
import { handleInstance, isFediverseInstance } from "./fediverse.js";
import { fediverseSignIn } from "./fediverse-routes.js";
import {
  canonicalProfile,
  discoverAuthorizationEndpoint,
  pkceChallenge,
  redeemCode,
  sameHost,
} from "./indieauth.js";

/** What sign-in needs from the site. */
export interface LoginSite {
  readonly auth: SiteAuth;
  readonly logger: Logger;
  readonly baseUrl: string;
  readonly config: {
    readonly site: { readonly title: string };
    readonly auth: { readonly test_identities: boolean };
  };
  readonly loginEnv: NodeJS.ProcessEnv;
}

const CSRF_COOKIE = "quire_csrf";
/** How long a sign-in form stays usable, and a magic link. */
const FORM_SECONDS = 2 * 3600;
const MAGIC_MINUTES = 15;

/** Where to go after signing in or out: a path on this site only (no `//host`, no scheme, no control characters). */
export function safeRedirect(target: unknown): string {
  if (typeof target !== "string" || target === "") return "/";
  // eslint-disable-next-line no-control-regex -- control characters could split the Location header
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return "/";
  if (!target.startsWith("/") || target.startsWith("//")) return "/";
  if (target.startsWith("/_login") || target.startsWith("/_logout")) return "/";
  return target;
}

/** Whether test identities (`test:<name>`, no proof) are accepted: asked for in config, and never in production. */
export function testIdentitiesAllowed(site: LoginSite): boolean {
  return site.config.auth.test_identities && site.loginEnv.NODE_ENV !== "production";
}

/** The `/_login` and `/_logout` routes. */
export function loginRoutes(site: LoginSite): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "8kb" });
  const mail = mailSettingsFromEnv(site.loginEnv, site.baseUrl);
  const mailer = mail ? new MagicMailer(mail) : null;
  const used = new UsedLinks(site.loginEnv);
  const perAddress = new RateLimit(3, 15 * 60_000);
  const perClient = new RateLimit(10, 15 * 60_000);
  const signer = site.auth.signer;
  if (site.config.auth.test_identities && !testIdentitiesAllowed(site))
    site.logger.warn("auth.test_identities is set but NODE_ENV is production: test identities are refused");

  // E-mail links and IndieAuth send the reader back to this site: without its public address they cannot.
  const address = site.baseUrl !== "";
  if (!address) site.logger.warn({ field: "site.base_url" }, NO_ADDRESS);
  const options = () => ({
    address,
    email: mailer !== null,
    test: testIdentitiesAllowed(site),
    title: site.config.site.title,
  });

  /** A form token for this browser, setting its nonce cookie when it has none. */
  const formToken = (req: Request, res: Response): string => {
    let nonce = csrfNonce(req);
    if (!nonce) {
      nonce = randomBytes(18).toString("base64url");
      res.append(
        "Set-Cookie",
        stringifySetCookie(CSRF_COOKIE, nonce, {
          httpOnly: true,
          sameSite: "lax",
          secure: site.auth.isHttps(req),
          // Sent back only to the sign-in form: any cookie on ordinary pages would keep them out of the page cache.
          path: "/_login",
        }),
      );
    }
    return signer.sign({ p: "form", me: nonce }, FORM_SECONDS);
  };
  const formValid = (req: Request): boolean => {
    const nonce = csrfNonce(req);
    const claim = signer.verify(String((req.body as Record<string, unknown>)?.csrf ?? ""), "form");
    return nonce !== null && claim !== null && claim.me === nonce;
  };
  const send = (res: Response, status: number, html: string) => {
    res.status(status).setHeader("Cache-Control", "no-store").type("html").send(html);
  };
  const clientId = () => `${site.baseUrl.replace(/\/$/, "")}/`;
  const callbackUri = () => `${site.baseUrl.replace(/\/$/, "")}/_login`;
  const fediverse = fediverseSignIn({
    site,
    signer,
    send,
    nonce: csrfNonce,
    clientId,
    callbackUri,
    safeRedirect,
  });

  router.get(["/_login", "/_login/{*rest}"], (req: Request, res: Response) => {
    const rest = (req.params as { rest?: string[] }).rest;
    const redirect = safeRedirect(req.query.redirect ?? (rest ? `/${rest.join("/")}` : "/"));
    if (typeof req.query.code === "string" && typeof req.query.state === "string") {
      const { code, state } = req.query;
      return void fediverse
        .callback(req, res, code, state)
        .then((handled) => (handled ? undefined : indieAuthCallback(req, res, code, state)));
    }
    const t = typeof req.query.t === "string" ? req.query.t : null;
    if (t !== null) {
      // A mail scanner may open the link: it only shows a button, the sign-in happens on POST.
      const claim = signer.verify(t, "magic");
      if (!claim)
        return send(
          res,
          400,
          messagePage("This sign-in link is not valid or has expired.", "Ask for a new one", "/_login"),
        );
      return send(res, 200, confirmPage(claim.me, t, formToken(req, res)));
    }
    send(res, 200, loginPage(options(), redirect, formToken(req, res)));
  });

  router.post("/_login", form, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!formValid(req))
      return send(
        res,
        403,
        messagePage(
          "This form has expired or did not come from this site; please try again.",
          "Sign in",
          "/_login",
        ),
      );
    const redirect = safeRedirect(body.redirect);
    if (
      !address &&
      (body.email !== undefined || (typeof body.me === "string" && !body.me.startsWith("test:")))
    )
      return send(res, 503, messagePage(NO_ADDRESS, "Back to the site", redirect));
    if (typeof body.t === "string") {
      const claim = signer.verify(body.t, "magic");
      if (!claim || !claim.jti || !(await used.claim(claim.jti, MAGIC_MINUTES * 60)))
        return send(
          res,
          400,
          messagePage(
            "This sign-in link is not valid, has expired or was already used.",
            "Ask for a new one",
            "/_login",
          ),
        );
      site.auth.startSession(req, res, claim.me);
      site.logger.info({ event: "sign_in", reader: claim.me, via: "email" }, `signed in ${claim.me}`);
      return void res.redirect(303, safeRedirect(claim.to));
    }
    if (typeof body.me === "string" && body.me.startsWith("test:")) {
      if (!testIdentitiesAllowed(site))
        return send(res, 403, messagePage("Test identities are not accepted here.", "Back", "/_login"));
      const name = body.me.slice(5);
      if (!/^[\w.-]{1,64}$/.test(name))
        return send(res, 400, messagePage("A test identity is test: and a plain name.", "Back", "/_login"));
      site.auth.startSession(req, res, `test:${name}`);
      return void res.redirect(303, redirect);
    }
    if (typeof body.me === "string" && body.me.trim() !== "") {
      const instance = handleInstance(body.me);
      if (instance) return fediverse.start(req, res, instance, body.me.trim(), redirect);
      const profile = canonicalProfile(body.me);
      if (!profile)
        return send(res, 400, messagePage("That is not a web address to sign in with.", "Back", "/_login"));
      let endpoint: string;
      try {
        endpoint = await discoverAuthorizationEndpoint(profile);
      } catch (err) {
        // No IndieAuth endpoint: the address may be a Fediverse instance (or an account on one).
        const origin = new URL(profile).origin;
        if (await isFediverseInstance(origin)) return fediverse.start(req, res, origin, profile, redirect);
        return send(res, 400, messagePage(`${(err as Error).message}.`, "Back", "/_login"));
      }
      const state = signer.sign(
        { p: "indieauth", me: profile, ep: endpoint, to: redirect, n: csrfNonce(req)! },
        600,
      );
      const url = new URL(endpoint);
      for (const [k, v] of Object.entries({
        response_type: "code",
        client_id: clientId(),
        redirect_uri: callbackUri(),
        state,
        code_challenge: pkceChallenge(signer.derive("indieauth pkce", state)),
        code_challenge_method: "S256",
        me: profile,
      }))
        url.searchParams.set(k, v);
      return void res.redirect(303, url.toString());
    }
    if (body.email !== undefined) {
      if (!mailer)
        return send(res, 400, messagePage("E-mail sign-in is not set up on this site.", "Back", "/_login"));
      const address = cleanAddress(body.email);
      if (!address)
        return send(
          res,
          400,
          messagePage("That is not an e-mail address Quire can send to.", "Back", "/_login"),
        );
      const client = req.socket.remoteAddress ?? "";
      if (!perAddress.allow(address) || !perClient.allow(client))
        return send(
          res,
          429,
          messagePage(
            "Too many sign-in mails asked for; wait a few minutes and try again.",
            "Back",
            "/_login",
          ),
        );
      const jti = randomBytes(16).toString("base64url");
      const t = signer.sign({ p: "magic", me: `mailto:${address}`, jti, to: redirect }, MAGIC_MINUTES * 60);
      const link = `${site.baseUrl.replace(/\/$/, "")}/_login?t=${encodeURIComponent(t)}`;
      try {
        await mailer.send(address, link, site.config.site.title, MAGIC_MINUTES);
      } catch (err) {
        site.logger.error({ err }, "sign-in mail failed");
        return send(
          res,
          502,
          messagePage("The sign-in mail could not be sent; try again later.", "Back", "/_login"),
        );
      }
      return send(
        res,
        200,
        messagePage(
          `A sign-in link is on its way to ${address}. It works once, for ${MAGIC_MINUTES} minutes.`,
          "Back to the site",
          redirect,
        ),
      );
    }
    send(res, 400, messagePage("Choose a way to sign in.", "Back", "/_login"));
  });

  /** The reader is back from their authorization endpoint: check the state, redeem the code, sign them in. */
  async function indieAuthCallback(req: Request, res: Response, code: string, state: string): Promise<void> {
    const claim = signer.verify(state, "indieauth");
    if (!claim || !claim.ep || claim.n === undefined || claim.n !== csrfNonce(req))
      return send(
        res,
        403,
        messagePage("This sign-in did not start in this browser, or took too long.", "Try again", "/_login"),
      );
    let me: string;
    try {
      me = await redeemCode({
        endpoint: claim.ep,
        code,
        clientId: clientId(),
        redirectUri: callbackUri(),
        verifier: signer.derive("indieauth pkce", state),
      });
    } catch (err) {
      return send(res, 400, messagePage(`${(err as Error).message}.`, "Try again", "/_login"));
    }
    if (!sameHost(claim.me, me))
      return send(
        res,
        400,
        messagePage(`${me} is not on the site you signed in with.`, "Try again", "/_login"),
      );
    site.auth.startSession(req, res, me);
    site.logger.info({ event: "sign_in", reader: me, via: "indieauth" }, `signed in ${me}`);
    res.redirect(303, safeRedirect(claim.to));
  }

  router.all(["/_logout", "/_logout/{*rest}"], (req: Request, res: Response) => {
    const rest = (req.params as { rest?: string[] }).rest;
    site.auth.endSession(req, res);
    res.setHeader("Cache-Control", "no-store");
    res.redirect(303, safeRedirect(req.query.redirect ?? (rest ? `/${rest.join("/")}` : "/")));
  });

  return router;
}

function csrfNonce(req: Request): string | null {
  const header = req.headers.cookie;
  if (!header || !header.includes(CSRF_COOKIE)) return null;
  try {
    return parseCookie(header)[CSRF_COOKIE] || null;
  } catch {
    return null;
  }
}
