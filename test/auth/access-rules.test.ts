/** Publ's access rules, as a table: who reads what under `Auth:` and users.cfg (Publ's manual examples and the
 *  `auth/` entries of Publ's own test site), and that no rule ever lets a signed-out reader into `friends`. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ANONYMOUS_ACCESS, mayRead, type ReaderAccess } from "../../src/auth/access-rule.js";
import { identifiedReader } from "../../src/auth/reader.js";
import { groupsOf, parseUsers, type Memberships } from "../../src/auth/users-file.js";

// Publ's test site's users.cfg, as shipped in its tests/ folder.
const USERS_CFG = `# admin group should only contain the admin
[admin]
test:admin
test:also_an_admin
mailto:fluffy@beesbuzz.biz

[mailto:fluffy@beesbuzz.biz]
http://beesbuzz.biz/
https://queer.party/@fluffy

[good_friends]
test:good_friend1
test:good_friend2

[friends]
good_friends
test:friend1
test:friend2
test:friend3

[test:friend3]
test:friend3_other1
test:friend3_other2

; mutually-recursive sections should be fine
[mutual1]
test:mutual1
mutual2

[mutual2]
test:mutual2
mutual1
`;

const memberships = parseUsers(USERS_CFG).memberships;
const who = (identity: string, users: Memberships = memberships): ReaderAccess =>
  identifiedReader({ memberships: () => users, adminGroup: "admin" }, identity, "session", 0).access;

describe("users.cfg", () => {
  it("resolves nested groups, identity aliases and cycles", () => {
    expect([...groupsOf(memberships, "test:good_friend1", false)].sort()).toEqual([
      "friends",
      "good_friends",
    ]);
    expect([...groupsOf(memberships, "test:friend3_other2", false)].sort()).toEqual([
      "friends",
      "test:friend3",
    ]);
    expect([...groupsOf(memberships, "https://queer.party/@fluffy", false)].sort()).toEqual([
      "admin",
      "mailto:fluffy@beesbuzz.biz",
    ]);
    expect([...groupsOf(memberships, "test:mutual1", false)].sort()).toEqual(["mutual1", "mutual2"]);
  });

  it("reports lines outside any group by line number and keeps the rest", () => {
    const parsed = parseUsers("stray\n[friends]\nmailto:a@example.com\n", "site/users.cfg");
    expect(parsed.problems.map((p) => p.message)).toEqual([
      'site/users.cfg: line 1: "stray" is not in a group; put a [group] line above it',
    ]);
    expect(groupsOf(parsed.memberships, "mailto:a@example.com").has("friends")).toBe(true);
  });
});

// [rule, reader, may read]: "-" is the signed-out reader.
const TABLE: [string, string, boolean][] = [
  // Publ's test site (content/auth/*.md), each entry's own description of who should see it.
  ["admin", "test:admin", true],
  ["admin", "https://queer.party/@fluffy", true],
  ["admin", "test:friend1", false],
  ["admin", "-", false],
  ["*", "test:nobody", true],
  ["*", "test:friend1", true],
  ["*", "-", false],
  ["!*", "-", true],
  ["!*", "test:friend1", false],
  ["!*", "test:admin", true],
  ["friends", "test:friend1", true],
  ["friends", "test:good_friend1", true],
  ["friends", "test:friend3_other1", true],
  ["friends", "test:specific", false],
  ["friends", "test:mutual1", false],
  ["friends", "-", false],
  ["friends test:specific", "test:specific", true],
  ["friends test:specific", "test:friend2", true],
  ["friends test:specific", "test:stranger", false],
  ["friends !good_friends", "test:friend1", true],
  ["friends !good_friends", "test:good_friend1", false],
  ["friends !good_friends", "test:good_friend2", false],
  ["friends !good_friends", "test:admin", true],
  ["friends !test:friend2", "test:friend1", true],
  ["friends !test:friend2", "test:friend3", true],
  ["friends !test:friend2", "test:friend2", false],
  ["foo", "test:friend1", false],
  ["foo", "test:admin", true],
  ["foo", "-", false],
  // Publ's manual (Entry file format, Auth): rightmost rule wins.
  ["friends !mailto:erik@example.com", "mailto:erik@example.com", false],
  ["* !good_friends test:good_friend2", "test:friend1", true],
  ["* !good_friends test:good_friend2", "test:good_friend1", false],
  ["* !good_friends test:good_friend2", "test:good_friend2", true],
  ["* !good_friends test:good_friend2", "-", false],
  ["!friends friends", "test:friend1", true],
  ["friends !friends", "test:friend1", false],
];

describe("Auth: rules (rightmost match wins, admins read everything)", () => {
  it.each(TABLE)("Auth: %s — %s → %s", (rule, reader, expected) => {
    const access = reader === "-" ? ANONYMOUS_ACCESS : who(reader);
    expect(mayRead(access, rule)).toBe(expected);
  });

  it("lets anyone read an entry without a rule", () => {
    expect(mayRead(ANONYMOUS_ACCESS, null)).toBe(true);
    expect(mayRead(ANONYMOUS_ACCESS, "   ")).toBe(true);
  });

  it("never lets a signed-out reader through a rule without `*` (property)", () => {
    const group = fc.constantFrom(
      "friends",
      "admin",
      "good_friends",
      "test:friend1",
      "foo",
      "mailto:a@b.example",
    );
    const term = fc.tuple(fc.boolean(), group).map(([deny, g]) => (deny ? `!${g}` : g));
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 6 }), (terms) => {
        expect(mayRead(ANONYMOUS_ACCESS, terms.join(" "))).toBe(false);
      }),
    );
  });
});

// The auth/ entries of Publ's test site, read from the compatibility kit: beside the checkout, or wherever
// QUIRE_PUBL_COMPAT points (as test/compat finds it; CI's second pass runs in a copy not beside the kit).
const KIT = join(
  process.env.QUIRE_PUBL_COMPAT ?? join(import.meta.dirname, "..", "..", "..", "shared", "publ-compat"),
  "site",
);
const kitThere = existsSync(join(KIT, "content", "auth"));
if (!kitThere) console.log(`skipping the publ-compat auth/ entries: ${KIT} is not there`);

describe.skipIf(!kitThere)("Publ's test site: auth/ entries against its users.cfg", () => {
  it("gives the signed-out reader exactly the entries Publ's rules admit", () => {
    const users = parseUsers(readFileSync(join(KIT, "users.cfg"), "utf8")).memberships;
    const rules = new Map<string, string>();
    for (const name of readdirSync(join(KIT, "content", "auth"))) {
      if (!name.endsWith(".md")) continue;
      const text = readFileSync(join(KIT, "content", "auth", name), "utf8");
      const m = /^Auth:\s*(.*)$/im.exec(text.split(/\n\s*\n/)[0]!);
      if (m) rules.set(name, m[1]!.trim());
    }
    expect(rules.get("friends.md")).toBe("friends");
    for (const [name, rule] of rules) {
      expect(mayRead(ANONYMOUS_ACCESS, rule), name).toBe(rule === "!*");
      expect(mayRead(who("test:admin", users), rule), name).toBe(true);
    }
    expect(mayRead(who("test:friend1", users), rules.get("friends but not good_friends.md")!)).toBe(true);
    expect(mayRead(who("test:good_friend1", users), rules.get("friends but not good_friends.md")!)).toBe(
      false,
    );
    expect(mayRead(who("test:friend2", users), rules.get("friends except friend2.md")!)).toBe(false);
    expect(mayRead(who("test:specific", users), rules.get("friends and specific.md")!)).toBe(true);
  });
});
