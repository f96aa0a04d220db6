/** `quire token <identity>`: prints a bearer token for an identity; needs only the site secret, no sign-in
 *  provider (Publ's `publ token`), e.g. for a feed reader that cannot sign in. */
import { loadSite } from "../config/site.js";
import { infraFromEnv } from "../config/env.js";
import { siteSecret } from "../image/site-images.js";
import { Signer } from "../auth/signed-value.js";
import { MAX_TOKEN_SECONDS } from "../auth/site-auth.js";
import { silentLogger } from "../log.js";
import { QuireError } from "../errors.js";
import { parseCommand, SITE_OPTIONS } from "./args.js";
import type { Output } from "./output.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `3600`, `90m`, `12h`, `30d`, `2w` → seconds; anything else is an error naming the flag. */
export function parseLifetime(text: string): number {
  const m = /^(\d{1,9})([smhdw]?)$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * UNITS[m[2] || "s"]! : NaN;
  if (!(seconds > 0) || seconds > MAX_TOKEN_SECONDS) {
    throw new QuireError(
      "E_BAD_REQUEST",
      `quire token: --lifetime "${text}" is not a lifetime (expected e.g. 3600, 12h or 30d, at most 365d)`,
      { field: "lifetime" },
    );
  }
  return seconds;
}

/** `quire token <identity> [--scope S] [--lifetime 30d] [--site DIR]`: the token is the last line printed. */
export function tokenCommand(argv: string[], out: Output): number {
  const { values, positionals } = parseCommand(
    argv,
    { ...SITE_OPTIONS, scope: { type: "string" }, lifetime: { type: "string", default: "3600" } },
    "token",
  );
  const identity = positionals[0];
  if (!identity || positionals.length > 1) {
    throw new QuireError(
      "E_BAD_REQUEST",
      "quire token: give one identity, e.g. quire token mailto:friend@example.com",
    );
  }
  const seconds = parseLifetime(values.lifetime);
  const loaded = loadSite({ site: values.site, dataDir: values.data });
  const secret = siteSecret(loaded.paths.dataDir, infraFromEnv().secret, silentLogger(), false);
  const scope = values.scope?.trim() || undefined;
  const token = new Signer(secret).sign({ p: "token", me: identity, ...(scope ? { scope } : {}) }, seconds);
  if (values.json) out.json({ identity, scope: scope ?? null, lifetime: seconds, token });
  else {
    out.line(
      `a bearer token for ${identity}${scope ? ` (scope ${scope})` : ""}, valid ${seconds} s; send it as Authorization: Bearer <token>`,
    );
    out.line(token);
  }
  return 0;
}
