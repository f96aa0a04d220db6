/** The `Reader`: who is asking, established once per request (anonymous, a signed session, or a bearer token)
 *  and passed as one value to routing, views, templates and the page cache. */
import { createHash } from "node:crypto";
import { ANONYMOUS_ACCESS, type ReaderAccess } from "./access-rule.js";
import { groupsOf, type Memberships } from "./users-file.js";

/** How a signed-in reader proved who they are (Publ's `auth_type`). */
export type AuthType = "session" | "token";

/** A reader nobody has identified. */
export interface AnonymousReader {
  readonly kind: "anonymous";
  readonly access: ReaderAccess;
}

/** A reader who proved an identity. */
export interface IdentifiedReader {
  readonly kind: AuthType;
  /** The identity as signed in (`mailto:a@b.example`, `https://me.example/`, `test:friend1`). */
  readonly identity: string;
  /** The groups of the identity from users.cfg, without the identity itself (Publ's `groups`). */
  readonly groups: readonly string[];
  /** A bearer token's scope, if it had one. */
  readonly scope: string | null;
  /** When the session or token stops being accepted, epoch ms. */
  readonly expires: number;
  readonly access: ReaderAccess;
}

export type Reader = AnonymousReader | IdentifiedReader;

/** The anonymous reader (one shared value). */
export const ANONYMOUS_READER: AnonymousReader = Object.freeze({
  kind: "anonymous",
  access: ANONYMOUS_ACCESS,
});

/** What turns an identity into a reader: the site's groups and admin group. */
export interface ReaderDirectory {
  memberships(): Memberships;
  readonly adminGroup: string;
}

/** The reader for a proven identity: their groups (through users.cfg) decide what they may read. */
export function identifiedReader(
  directory: ReaderDirectory,
  identity: string,
  kind: AuthType,
  expires: number,
  scope: string | null = null,
): IdentifiedReader {
  const authGroups = groupsOf(directory.memberships(), identity, true);
  const isAdmin = directory.adminGroup !== "" && authGroups.has(directory.adminGroup);
  const groups = [...authGroups].filter((g) => g !== identity).sort();
  const sorted = [...authGroups].sort();
  const accessKey =
    "r" +
    createHash("sha256")
      .update(JSON.stringify([isAdmin, sorted]))
      .digest("base64url")
      .slice(0, 16);
  const access: ReaderAccess = Object.freeze({ signedIn: true, groups: authGroups, isAdmin, accessKey });
  return Object.freeze({ kind, identity, groups: Object.freeze(groups), scope, expires, access });
}

/** True when the reader is signed in (by session or token). */
export function isSignedIn(reader: Reader): reader is IdentifiedReader {
  return reader.kind !== "anonymous";
}
