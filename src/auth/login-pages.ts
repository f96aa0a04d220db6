/** The built-in pages of sign-in: the form, the magic-link confirmation and short messages; plain HTML that
 *  works without the site's theme (a broken template must not lock the author out). */

function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
input,button{font:inherit;padding:.4rem}form{margin:1.5rem 0}</style></head>
<body><h1>${esc(title)}</h1>
${body}
</body></html>`;
}

/** Which ways of signing in the form offers. */
export interface LoginOptions {
  email: boolean;
  test: boolean;
  /** Whether the site knows its public address, which e-mail links and IndieAuth send readers back to. */
  address: boolean;
  title: string;
}

/** What a reader (and the log) is told when the site has no public address to send readers back to. */
export const NO_ADDRESS =
  "Signing in by e-mail or with a website needs this site's public address, and none is set: " +
  "the site's operator sets base_url in [site] of quire.toml (or QUIRE_BASE_URL).";

/** The sign-in form (`GET /_login`). */
export function loginPage(options: LoginOptions, redirect: string, csrf: string): string {
  const hidden = `<input type="hidden" name="csrf" value="${esc(csrf)}"><input type="hidden" name="redirect" value="${esc(redirect)}">`;
  const forms: string[] = [];
  if (!options.address) forms.push(`<p id="login-no-address">${esc(NO_ADDRESS)}</p>`);
  if (options.email && options.address) {
    forms.push(`<form method="post" action="/_login" id="login-email">${hidden}
<label>E-mail address <input type="email" name="email" required autocomplete="email"></label>
<button type="submit">Send me a sign-in link</button></form>`);
  }
  if (options.address)
    forms.push(`<form method="post" action="/_login" id="login-web">${hidden}
<label>Your website or Fediverse account <input type="text" inputmode="url" name="me" placeholder="https://example.com/ or @you@mastodon.social" required autocomplete="url"></label>
<button type="submit">Sign in</button></form>`);
  if (options.test) {
    forms.push(`<form method="post" action="/_login" id="login-test">${hidden}
<label>Test identity <input type="text" name="me" value="test:" required></label>
<button type="submit">Sign in (development only)</button></form>`);
  }
  return page(`Sign in to ${options.title}`, forms.join("\n"));
}

/** The page a magic link opens: one button, so that a link scanner opening the URL signs nobody in. */
export function confirmPage(identity: string, token: string, csrf: string): string {
  return page(
    "Sign in",
    `<form method="post" action="/_login" id="login-confirm">
<input type="hidden" name="csrf" value="${esc(csrf)}"><input type="hidden" name="t" value="${esc(token)}">
<p>Sign in as <strong>${esc(identity.replace(/^mailto:/, ""))}</strong>?</p>
<button type="submit">Sign in</button></form>`,
  );
}

/** A short message with one link onwards. */
export function messagePage(message: string, linkText: string, href: string): string {
  return page("Sign in", `<p>${esc(message)}</p><p><a href="${esc(href)}">${esc(linkText)}</a></p>`);
}
