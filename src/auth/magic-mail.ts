/** E-mail sign-in: the SMTP settings from the environment (SMTP_URL, or Heroku's Mailgun and SendGrid
 *  add-ons), the magic-link message, address checks, per-address and per-client rate limits, and single use. */
import nodemailer, { type Transporter } from "nodemailer";
import { Client } from "memjs";
import { cacheConfigFromEnv } from "../cache/cache-config.js";
import { QuireError } from "../errors.js";

/** Where mail goes out, or null when the site has no SMTP settings (e-mail sign-in is then off). */
export interface MailSettings {
  /** A nodemailer SMTP URL, e.g. `smtp://user:pass@smtp.example.com:587`. */
  url: string;
  from: string;
}

/** Reads the mail settings: SMTP_URL, else MAILGUN_SMTP_*, else SENDGRID_USERNAME/PASSWORD; QUIRE_MAIL_FROM. */
export function mailSettingsFromEnv(env: NodeJS.ProcessEnv, baseUrl: string): MailSettings | null {
  const host = safeHost(baseUrl);
  const from = env.QUIRE_MAIL_FROM?.trim() || `Quire sign-in <no-reply@${host}>`;
  const enc = encodeURIComponent;
  if (env.SMTP_URL?.trim()) return { url: env.SMTP_URL.trim(), from };
  if (env.MAILGUN_SMTP_SERVER && env.MAILGUN_SMTP_LOGIN && env.MAILGUN_SMTP_PASSWORD) {
    const port = env.MAILGUN_SMTP_PORT ?? "587";
    return {
      url: `smtp://${enc(env.MAILGUN_SMTP_LOGIN)}:${enc(env.MAILGUN_SMTP_PASSWORD)}@${env.MAILGUN_SMTP_SERVER}:${port}`,
      from,
    };
  }
  if (env.SENDGRID_USERNAME && env.SENDGRID_PASSWORD) {
    return {
      url: `smtp://${enc(env.SENDGRID_USERNAME)}:${enc(env.SENDGRID_PASSWORD)}@smtp.sendgrid.net:587`,
      from,
    };
  }
  return null;
}

function safeHost(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname || "localhost";
  } catch {
    return "localhost";
  }
}

/**
 * A plain e-mail address or null: one `@`, no spaces, quotes, angle brackets, commas or line breaks (nothing
 * that could add a header or a second recipient), at most 254 characters.
 */
export function cleanAddress(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const a = raw.trim();
  if (a.length === 0 || a.length > 254) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (/[\u0000-\u001f\u007f\s<>()[\],;:"\\]/.test(a)) return null;
  return /^[^@]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(a) ? a.toLowerCase() : null;
}

/** Sends magic-link mails over SMTP. */
export class MagicMailer {
  private readonly transport: Transporter;

  constructor(private readonly settings: MailSettings) {
    this.transport = nodemailer.createTransport(settings.url);
  }

  /** Sends the sign-in link to `address` (already checked by cleanAddress). */
  async send(address: string, link: string, siteTitle: string, minutes: number): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: address,
        subject: `Sign in to ${siteTitle}`,
        text:
          `Someone (hopefully you) asked to sign in to ${siteTitle} as ${address}.\n\n` +
          `Open this link within ${minutes} minutes to sign in:\n\n${link}\n\n` +
          `If you did not ask for this, ignore this mail: nothing happens until the link is opened.\n`,
      });
    } catch (err) {
      throw new QuireError("E_AUTH_MAIL", "the sign-in mail could not be sent", { cause: err });
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** Counts events per key in a sliding window: `allow(key)` is false once `limit` were allowed within `windowMs`. */
export class RateLimit {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  allow(key: string): boolean {
    const now = this.clock();
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    // Bounded: a flood of distinct keys starts the table over rather than growing it.
    if (this.hits.size > 10_000) this.hits.clear();
    this.hits.set(key, recent);
    return true;
  }
}

/** Remembers used magic links: in memcached when the site has one (every dyno agrees), else in this process. */
export class UsedLinks {
  private readonly local = new Map<string, number>();
  private readonly client: Client | null;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly clock: () => number = Date.now,
  ) {
    const config = cacheConfigFromEnv(env);
    this.client = config
      ? Client.create(config.servers.join(","), {
          username: config.username,
          password: config.password,
          timeout: 1,
          retries: 0,
          logger: { log: () => undefined },
        })
      : null;
  }

  /** True the first time a link ID is claimed; false on any replay (and, with memcached down, refused). */
  async claim(jti: string, ttlSeconds: number): Promise<boolean> {
    if (this.client) {
      try {
        // `add` fails when the key exists: exactly one claim wins, whichever dyno it reaches.
        return await this.client.add(`quire:magic:${jti}`, "1", { expires: ttlSeconds });
      } catch {
        return false;
      }
    }
    const now = this.clock();
    for (const [k, until] of this.local) if (until <= now) this.local.delete(k);
    if (this.local.has(jti)) return false;
    this.local.set(jti, now + ttlSeconds * 1000);
    return true;
  }

  close(): void {
    this.client?.close();
  }
}
