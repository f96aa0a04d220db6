/** What `quire check` says about private entries: rules that name a group users.cfg does not define, problems
 *  in users.cfg, and how readers can prove who they are on this site. */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parseAuthRule } from "./access-rule.js";
import { parseUsers } from "./users-file.js";
import { mailSettingsFromEnv } from "./magic-mail.js";

/** One protected entry as the index has it. */
export interface ProtectedEntry {
  file: string;
  auth: string;
}

/** Warnings about the site's private entries (none when it has none). */
export function privateEntryWarnings(
  entries: readonly ProtectedEntry[],
  site: { root: string; usersFile: string; adminGroup: string; baseUrl: string; signIn: boolean },
  env: NodeJS.ProcessEnv,
): string[] {
  if (entries.length === 0) return [];
  const warnings: string[] = [];
  const path = isAbsolute(site.usersFile) ? site.usersFile : join(site.root, site.usersFile);
  const parsed = existsSync(path) ? parseUsers(readFileSync(path, "utf8"), site.usersFile) : null;
  for (const p of parsed?.problems ?? []) warnings.push(p.message);
  const groups = new Set<string>([site.adminGroup]);
  for (const gs of parsed?.memberships.values() ?? []) for (const g of gs) groups.add(g);
  for (const e of entries) {
    for (const term of parseAuthRule(e.auth)) {
      // Identities (with a scheme, like mailto: or https:) and `*` need no group.
      if (term.group === "*" || term.group.includes(":") || groups.has(term.group)) continue;
      warnings.push(
        `content/${e.file}: Auth: names "${term.group}", which no [${term.group}] group in ${site.usersFile} defines`,
      );
    }
  }
  const count = `${entries.length} private entr${entries.length === 1 ? "y" : "ies"}`;
  if (!site.signIn) {
    warnings.push(
      `${count}, and sign-in is off ([auth] sign_in = false): only bearer tokens (quire token IDENTITY) can read them`,
    );
    return warnings;
  }
  if (site.baseUrl === "") {
    warnings.push(
      `${count}, but no public address is set: readers cannot sign in ` +
        `by e-mail or with their website (set base_url in [site] of quire.toml, or QUIRE_BASE_URL); only bearer tokens (quire token IDENTITY) can read them`,
    );
    return warnings;
  }
  const ways = ["IndieAuth (a reader's own website)", "a Fediverse account"];
  if (mailSettingsFromEnv(env, site.baseUrl)) ways.unshift("e-mail links");
  warnings.push(
    `${count}: readers sign in at /_login with ${ways.join(" or ")}` +
      `${ways.length === 2 ? " (set SMTP_URL for e-mail links)" : ""}; feed readers need a bearer token (quire token IDENTITY)`,
  );
  return warnings;
}
