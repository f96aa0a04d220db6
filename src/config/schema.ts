/** The typed `quire.toml` schema: every key with its default, its check and a line of documentation. */
import { QuireError } from "../errors.js";

type Check = (value: unknown) => string | null;

interface KeySpec {
  default: unknown;
  check: Check;
  doc: string;
}

const isString: Check = (v) => (typeof v === "string" ? null : "a string");
const isNullableBool: Check = (v) => (v === null || typeof v === "boolean" ? null : "true or false");
const positiveInt: Check = (v) =>
  typeof v === "number" && Number.isInteger(v) && v > 0 ? null : "a whole number greater than 0";
const nonNegative: Check = (v) => (typeof v === "number" && v >= 0 ? null : "a number, 0 or more");
const isUrl: Check = (v) => {
  if (typeof v !== "string") return "a URL such as https://example.com";
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:" ? null : "an http(s) URL";
  } catch {
    return "a URL such as https://example.com";
  }
};
const isTimeZone: Check = (v) => {
  if (typeof v !== "string") return "an IANA time zone such as Europe/Paris";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: v });
    return null;
  } catch {
    return "an IANA time zone such as Europe/Paris";
  }
};
const isSlugStyle: Check = (v) => (v === "publ" || v === "lowercase" ? null : '"publ" or "lowercase"');
const isBool: Check = (v) => (typeof v === "boolean" ? null : "true or false");
const isTable: Check = (v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? null : "a table");

/** Every section and key of quire.toml. */
export const SCHEMA = {
  site: {
    title: {
      default: "A Quire site",
      check: isString,
      doc: "The site's name, shown in the header and the feed.",
    },
    description: {
      default: "",
      check: isString,
      doc: "One line about the site, for the feed and meta tags.",
    },
    author: { default: "", check: isString, doc: "The default author name for the feed." },
    base_url: {
      default: "",
      check: (v) => (v === "" ? null : isUrl(v)),
      doc: "The public URL of the site, for canonical links, feeds and the sitemap (else QUIRE_BASE_URL or Heroku's dyno metadata).",
    },
    timezone: { default: "UTC", check: isTimeZone, doc: "The time zone of dates written without an offset." },
    language: { default: "en", check: isString, doc: "The language of the site, for <html lang>." },
  },
  content: {
    write_back: {
      default: null,
      check: isNullableBool,
      doc: "Stamp missing Entry-ID, UUID and Date into entry files (default: on in --dev and `quire fix`).",
    },
    watch: {
      default: null,
      check: isNullableBool,
      doc: "Watch content/ and templates/ for changes (default: on in --dev).",
    },
    rescan_seconds: {
      default: 300,
      check: nonNegative,
      doc: "A full rescan as a safety net while watching, every this many seconds (0 turns it off).",
    },
    slug_style: {
      default: "publ",
      check: isSlugStyle,
      doc: 'URL slugs: "publ" keeps the title\'s case and dots as Publ does (/12-It-s-alive); "lowercase" gives /12-its-alive.',
    },
  },
  view: {
    count: { default: 10, check: positiveInt, doc: "Entries per page on category pages and the home page." },
    feed_count: { default: 20, check: positiveInt, doc: "Entries in a feed." },
  },
  cache: {
    enabled: {
      default: null,
      check: isNullableBool,
      doc: "The page cache (default: on in production, off in --dev).",
    },
    ttl_seconds: { default: 3600, check: positiveInt, doc: "How long a cached page lives at most." },
    memory_mb: { default: 64, check: positiveInt, doc: "The in-process page cache's size in megabytes." },
    memcached_timeout_ms: { default: 250, check: positiveInt, doc: "The deadline of every memcached call." },
  },
  log: {
    access: {
      default: false,
      check: (v) => (typeof v === "boolean" ? null : "true or false"),
      doc: "One log line per request: method, path, status, time and cache result (or QUIRE_ACCESS_LOG=1).",
    },
  },
  images: {
    defaults: {
      default: {},
      check: isTable,
      doc: "Default rendition arguments for every image, e.g. max_width = 960.",
    },
    cache_age_days: {
      default: 30,
      check: positiveInt,
      doc: "Renditions not requested for this many days are removed from the local store.",
    },
    max_input_megapixels: {
      default: 50,
      check: positiveInt,
      doc: "Source images larger than this are refused instead of decoded.",
    },
  },
  export: {
    search_index: {
      default: true,
      check: isBool,
      doc: "quire build writes a search index for the search page's script (_search/, ~0.7 KB an entry); false leaves it out, and the build's cold index then skips its search tables (a server started on that data folder fills them), for a site that offers no search.",
    },
  },
  auth: {
    sign_in: {
      default: true,
      check: isBool,
      doc: "Offer sign-in at /_login and /_logout (IndieAuth, and e-mail links where mail is set up); false leaves bearer tokens as the only way to read private entries, and /_login answers 404, as Publ does with auth off.",
    },
    users_file: {
      default: "users.cfg",
      check: isString,
      doc: "The file of groups (Publ's users.cfg), relative to the site folder; re-read when it changes.",
    },
    admin_group: {
      default: "admin",
      check: isString,
      doc: "Members of this group read every entry.",
    },
    session_days: {
      default: 30,
      check: positiveInt,
      doc: "How long a sign-in lasts (the signed session cookie expires after this many days).",
    },
    trust_proxy: {
      default: false,
      check: isBool,
      doc: "Believe X-Forwarded-Proto (set it behind Heroku's router or your own HTTPS proxy, nowhere else).",
    },
    test_identities: {
      default: false,
      check: isBool,
      doc: "Development only: /_login accepts `test:<name>` identities without proof. Refused in production.",
    },
  },
} as const satisfies Record<string, Record<string, KeySpec>>;

/** The validated, frozen configuration (mirrors SCHEMA). */
export interface QuireConfig {
  readonly site: {
    readonly title: string;
    readonly description: string;
    readonly author: string;
    readonly base_url: string;
    readonly timezone: string;
    readonly language: string;
  };
  readonly content: {
    readonly write_back: boolean | null;
    readonly watch: boolean | null;
    readonly rescan_seconds: number;
    readonly slug_style: "publ" | "lowercase";
  };
  readonly view: { readonly count: number; readonly feed_count: number };
  readonly cache: {
    readonly enabled: boolean | null;
    readonly ttl_seconds: number;
    readonly memory_mb: number;
    readonly memcached_timeout_ms: number;
  };
  readonly log: { readonly access: boolean };
  readonly images: {
    readonly defaults: Readonly<Record<string, unknown>>;
    readonly cache_age_days: number;
    readonly max_input_megapixels: number;
  };
  readonly export: { readonly search_index: boolean };
  readonly auth: {
    readonly sign_in: boolean;
    readonly users_file: string;
    readonly admin_group: string;
    readonly session_days: number;
    readonly trust_proxy: boolean;
    readonly test_identities: boolean;
  };
}

/** The result of validating a parsed quire.toml: the config, and every problem (unknown keys, wrong types). */
export interface ValidatedConfig {
  config: QuireConfig;
  /** Wrong values: always errors. */
  errors: QuireError[];
  /** Unknown keys: errors for `quire check`, warnings otherwise. */
  unknown: QuireError[];
}

/** Validates a parsed TOML table against the schema; bad values fall back to their defaults and are reported. */
export function validateConfig(raw: Record<string, unknown>, file = "quire.toml"): ValidatedConfig {
  const errors: QuireError[] = [];
  const unknown: QuireError[] = [];
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, keys] of Object.entries(SCHEMA)) {
    const given = raw[section];
    const table: Record<string, unknown> = {};
    if (given !== undefined && (given === null || typeof given !== "object" || Array.isArray(given))) {
      errors.push(new QuireError("E_CONFIG", `[${section}] must be a table`, { file, field: section }));
    }
    const values = (given && typeof given === "object" ? given : {}) as Record<string, unknown>;
    for (const [key, spec] of Object.entries(keys) as [string, KeySpec][]) {
      if (key in values) {
        const problem = spec.check(values[key]);
        if (problem) {
          errors.push(
            new QuireError(
              "E_CONFIG",
              `\`${section}.${key}\` is ${JSON.stringify(values[key])}; expected ${problem}`,
              { file, field: `${section}.${key}` },
            ),
          );
          table[key] = spec.default;
        } else {
          table[key] = values[key];
        }
      } else {
        table[key] = spec.default;
      }
    }
    for (const key of Object.keys(values)) {
      if (!(key in keys)) {
        unknown.push(
          new QuireError(
            "E_CONFIG_UNKNOWN_KEY",
            `unknown key \`${section}.${key}\`; known keys in [${section}]: ${Object.keys(keys).join(", ")}`,
            { file, field: `${section}.${key}` },
          ),
        );
      }
    }
    out[section] = Object.freeze(table);
  }
  for (const section of Object.keys(raw)) {
    if (!(section in SCHEMA)) {
      unknown.push(
        new QuireError(
          "E_CONFIG_UNKNOWN_KEY",
          `unknown section [${section}]; known sections: ${Object.keys(SCHEMA).join(", ")}`,
          { file, field: section },
        ),
      );
    }
  }
  return { config: Object.freeze(out) as unknown as QuireConfig, errors, unknown };
}

/** The configuration with every default, as used when a site has no quire.toml. */
export function defaultConfig(): QuireConfig {
  return validateConfig({}).config;
}

/** The schema as Markdown lines, for the README and `quire help config`. */
export function describeSchema(): string {
  const lines: string[] = [];
  for (const [section, keys] of Object.entries(SCHEMA)) {
    lines.push(`[${section}]`);
    for (const [key, spec] of Object.entries(keys) as [string, KeySpec][]) {
      lines.push(`  ${key} = ${JSON.stringify(spec.default)}  # ${spec.doc}`);
    }
  }
  return lines.join("\n");
}
