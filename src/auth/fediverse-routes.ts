/** The two steps of a Fediverse sign-in on `/_login`: start (register the app, send the reader to their
 *  instance) and the callback (check state and browser, learn the account, start the session). */
import type { Request, Response } from "express";
import { messagePage } from "./login-pages.js";
import { authorizeUrl, fediverseIdentity, registerApp } from "./fediverse.js";
import type { Signer } from "./signed-value.js";
import type { LoginSite } from "./login-routes.js";

export interface FediverseDeps {
  site: LoginSite;
  signer: Signer;
  send(res: Response, status: number, html: string): void;
  /** The browser's CSRF nonce (its cookie), which the sign-in is bound to. */
  nonce(req: Request): string | null;
  clientId(): string;
  callbackUri(): string;
  safeRedirect(target: unknown): string;
}

/** Starts and finishes Fediverse sign-ins. */
export function fediverseSignIn(deps: FediverseDeps) {
  const { site, signer, send } = deps;
  return {
    /** Registers an app at `origin` for this sign-in and sends the reader there to allow it. */
    async start(req: Request, res: Response, origin: string, typed: string, redirect: string): Promise<void> {
      let app: { clientId: string; clientSecret: string };
      try {
        app = await registerApp(origin, {
          name: site.config.site.title,
          redirectUri: deps.callbackUri(),
          website: deps.clientId(),
        });
      } catch (err) {
        return send(res, 400, messagePage(`${(err as Error).message}.`, "Back", "/_login"));
      }
      const state = signer.sign(
        {
          p: "fediverse",
          me: typed,
          ep: origin,
          to: redirect,
          n: deps.nonce(req)!,
          cid: app.clientId,
          cs: app.clientSecret,
        },
        600,
      );
      res.redirect(303, authorizeUrl(origin, app.clientId, deps.callbackUri(), state));
    },

    /** The reader is back from their instance: the state must be ours and from this browser. False if not a Fediverse state. */
    async callback(req: Request, res: Response, code: string, state: string): Promise<boolean> {
      const claim = signer.verify(state, "fediverse");
      if (!claim) return false;
      if (!claim.ep || !claim.cid || !claim.cs || claim.n === undefined || claim.n !== deps.nonce(req)) {
        send(
          res,
          403,
          messagePage(
            "This sign-in did not start in this browser, or took too long.",
            "Try again",
            "/_login",
          ),
        );
        return true;
      }
      let me: string;
      try {
        me = await fediverseIdentity({
          origin: claim.ep,
          code,
          clientId: claim.cid,
          clientSecret: claim.cs,
          redirectUri: deps.callbackUri(),
        });
      } catch (err) {
        send(res, 400, messagePage(`${(err as Error).message}.`, "Try again", "/_login"));
        return true;
      }
      site.auth.startSession(req, res, me);
      site.logger.info({ event: "sign_in", reader: me, via: "fediverse" }, `signed in ${me}`);
      res.redirect(303, deps.safeRedirect(claim.to));
      return true;
    },
  };
}
