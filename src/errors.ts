/** Quire's typed errors: one table of stable codes with their HTTP status, and an error that carries file, field and cause. */

/** Every error code Quire raises, with the HTTP status it maps to when it reaches a response. */
export const ERROR_CODES = {
  // content: an author's file
  E_ENTRY_READ: 500,
  E_ENTRY_ENCODING: 500,
  E_ENTRY_BINARY: 500,
  E_ENTRY_TOO_LARGE: 500,
  E_ENTRY_FRONT_MATTER: 500,
  E_ENTRY_FRONT_MATTER_ENGINE: 500,
  E_ENTRY_YAML: 500,
  E_ENTRY_HEADER: 500,
  E_ENTRY_STATUS: 500,
  E_ENTRY_DATE: 500,
  E_ENTRY_ID: 500,
  E_ENTRY_UUID: 500,
  E_ENTRY_DUPLICATE_ID: 500,
  E_ENTRY_DUPLICATE_UUID: 500,
  E_ENTRY_SYMLINK_LOOP: 500,
  E_ENTRY_SYMLINK_OUTSIDE: 500,
  E_ENTRY_VANISHED: 503,
  E_WRITE_BACK: 500,
  E_CATEGORY_FILE: 500,
  // what an entry points at (warnings: the page still renders)
  E_ENTRY_IMAGE_MISSING: 500,
  E_ENTRY_IMAGE_ALT: 500,
  E_ENTRY_LINK: 500,
  // configuration
  E_CONFIG: 500,
  E_CONFIG_UNKNOWN_KEY: 500,
  E_SITE: 500,
  // index
  E_INDEX: 500,
  // templates and rendering
  E_TEMPLATE: 500,
  E_TEMPLATE_NOT_FOUND: 404,
  E_TEMPLATE_DEPTH: 500,
  E_RENDER_BUDGET: 503,
  E_TEMPLATE_UNKNOWN_NAME: 500,
  E_EXTENSIONS: 500,
  E_RENDER: 500,
  // requests
  E_NOT_FOUND: 404,
  E_BAD_REQUEST: 400,
  // the command line: a wrong option or argument (exit status 2)
  E_USAGE: 400,
  E_NOT_READY: 503,
  // images
  E_IMAGE_SPEC: 400,
  E_IMAGE_SIGNATURE: 400,
  E_IMAGE_NOT_FOUND: 404,
  E_IMAGE_DECODE: 422,
  E_IMAGE_TOO_LARGE: 422,
  E_IMAGE_FORMAT: 400,
  E_IMAGE_TIMEOUT: 503,
  // readers and sign-in
  E_AUTH_TOKEN: 401,
  E_AUTH_CSRF: 403,
  E_AUTH_LOGIN: 400,
  E_AUTH_RATE: 429,
  E_AUTH_MAIL: 502,
  // stores and caches
  E_STORE: 500,
  E_CACHE: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface QuireErrorOptions {
  /** The file the problem is in, relative to the site where possible. */
  file?: string;
  /** The 1-based line of the problem, where known. */
  line?: number;
  /** The header, config key or argument at fault. */
  field?: string;
  cause?: unknown;
}

/** An error with a stable code; it knows its HTTP status and how to print itself for an author. */
export class QuireError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: QuireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "QuireError";
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.field = options.field;
  }

  /** The HTTP status this error becomes in a response. */
  get status(): number {
    return ERROR_CODES[this.code];
  }

  /** `content/blog/post.md:3: Date "next tuesday" is not a date (E_ENTRY_DATE)` */
  describe(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ""}: ` : "";
    return `${where}${this.message} (${this.code})`;
  }

  /** A plain object for `--json` output and structured logs. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      file: this.file,
      line: this.line,
      field: this.field,
    };
  }
}

/** True for a QuireError (also across module copies, by shape). */
export function isQuireError(err: unknown): err is QuireError {
  return err instanceof QuireError;
}

/** The cause chain as "1. message (via XError)" lines, as an author reads it; stacks only when asked. */
export function formatErrorChain(err: unknown, withStack = false): string {
  const lines: string[] = [];
  let current: unknown = err;
  let n = 1;
  const seen = new Set<unknown>();
  while (current !== undefined && current !== null && !seen.has(current) && n < 20) {
    seen.add(current);
    if (current instanceof QuireError) {
      lines.push(`${n}. ${current.describe()}`);
    } else if (current instanceof Error) {
      lines.push(`${n}. ${current.message} (via ${current.name})`);
      if (withStack && current.stack) lines.push(current.stack);
    } else {
      lines.push(`${n}. ${String(current)}`);
    }
    current = current instanceof Error ? current.cause : undefined;
    n++;
  }
  return lines.join("\n");
}
