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
  site: { root: string; usersFile: string; adminGroup: string; baseUrl: string },
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
  if (site.baseUrl === "") {
    warnings.push(
      `${entries.length} private entr${entries.length === 1 ? "y" : "ies"}, but no public address is set: readers cannot sign in ` +
        `by e-mail or with their website (set base_url in [site] of quire.toml, or QUIRE_BASE_URL); only bearer tokens (quire token IDENTITY) can read them`,
    );
    return warnings;
  }
  const ways = ["IndieAuth (a reader's own website)"];
  if (mailSettingsFromEnv(env, site.baseUrl)) ways.unshift("e-mail links");
  warnings.push(
    `${entries.length} private entr${entries.length === 1 ? "y" : "ies"}: readers sign in at /_login with ${ways.join(" or ")}` +
      `${ways.length === 1 ? " (set SMTP_URL for e-mail links)" : ""}; feed readers need a bearer token (quire token IDENTITY)`,
  );
  return warnings;
}
