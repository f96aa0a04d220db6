/** Readers and private entries: access rules (`mayRead`), the per-request `Reader`, users.cfg, sessions,
 *  bearer tokens, sign-in routes and the `user` template object. */
export {
  mayRead,
  isRestricted,
  parseAuthRule,
  ANONYMOUS_ACCESS,
  type ReaderAccess,
  type AuthTerm,
} from "./access-rule.js";
export { isPrivateFile, mayHaveFile } from "./file-access.js";
export {
  ANONYMOUS_READER,
  identifiedReader,
  isSignedIn,
  type Reader,
  type IdentifiedReader,
  type AnonymousReader,
  type AuthType,
} from "./reader.js";
export { parseUsers, groupsOf, UsersFile, type Memberships } from "./users-file.js";
export { Signer, type Claim, type Purpose } from "./signed-value.js";
export { SiteAuth, SESSION_COOKIE, MAX_TOKEN_SECONDS, type ReaderResult } from "./site-auth.js";
export { templateUser, TemplateUser } from "./template-user.js";
export { loginRoutes, safeRedirect, testIdentitiesAllowed, type LoginSite } from "./login-routes.js";
