/**
 * Costly renditions (a large AVIF) are made in a child process, one per rendition: the only way to stop an
 * encoder that runs in one native call. The process is killed when the rendition's budget runs out and when
 * the server stops, so neither waits for the encoder nor leaves it using a core.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { QuireError, type ErrorCode } from "../errors.js";
import type { GeneratedRendition } from "./pipeline.js";
import type { Recipe, RecipeLimits } from "./recipe.js";

/** What the server sends the encoder process. */
export interface EncodeJob {
  bytes: Uint8Array;
  recipe: Recipe;
  limits: RecipeLimits;
  label: string;
  budgetSeconds: number;
}

/** What the encoder process answers. */
export type EncodeReply =
  | { ok: Omit<GeneratedRendition, "body"> & { body: Uint8Array } }
  | { error: { code: ErrorCode | string; message: string; field?: string } };

const FROM_SOURCE = import.meta.url.endsWith(".ts");
const CHILD = fileURLToPath(
  new URL(FROM_SOURCE ? "./encode-child.ts" : "./encode-child.js", import.meta.url),
);

/** Runs renditions in child processes and kills them at their budget or on `stopAll`. */
export class EncoderProcesses {
  /** Each running encoder and how to end its rendition with an error. */
  private readonly running = new Map<ChildProcess, (err: Error) => void>();

  /** Process IDs of the encoders now running (for tests and diagnostics). */
  get pids(): number[] {
    return [...this.running.keys()].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  }

  /** Makes one rendition in a new process; past `budgetMs` the process is killed and E_IMAGE_TIMEOUT raised. */
  generate(
    bytes: Buffer,
    recipe: Recipe,
    limits: RecipeLimits,
    label: string,
    budgetMs: number,
  ): Promise<GeneratedRendition> {
    const child = fork(CHILD, [], {
      // From TypeScript source (development, tests) the child loads tsx first; the compiled build needs nothing.
      execArgv: FROM_SOURCE ? ["--import", "tsx"] : [],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    return new Promise<GeneratedRendition>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.running.delete(child);
        outcome();
      };
      const abort = (err: Error) => {
        child.kill("SIGKILL");
        settle(() => reject(err));
      };
      this.running.set(child, abort);
      const timer = setTimeout(
        () =>
          abort(
            new QuireError(
              "E_IMAGE_TIMEOUT",
              `${label}: the rendition took more than ${Math.round(budgetMs / 1000)} s to make and was stopped`,
            ),
          ),
        budgetMs,
      );
      child.on("message", (reply: EncodeReply) =>
        settle(() => {
          if ("ok" in reply) {
            const body = Buffer.from(
              reply.ok.body.buffer,
              reply.ok.body.byteOffset,
              reply.ok.body.byteLength,
            );
            resolve({ ...reply.ok, body });
          } else {
            const { code, message, field } = reply.error;
            reject(new QuireError(code as ErrorCode, message, field ? { field } : {}));
          }
        }),
      );
      child.on("error", (err) =>
        settle(() =>
          reject(new QuireError("E_IMAGE_DECODE", `${label}: the encoder could not run (${err.message})`)),
        ),
      );
      child.on("exit", (code, signal) =>
        settle(() =>
          reject(
            new QuireError(
              "E_IMAGE_DECODE",
              `${label}: the encoder ended (${signal ?? `exit ${code}`}) without a result`,
            ),
          ),
        ),
      );
      const job: EncodeJob = { bytes, recipe, limits, label, budgetSeconds: Math.ceil(budgetMs / 1000) };
      child.send(job);
    });
  }

  /** Kills every encoder now running (the server is stopping); their renditions fail with E_NOT_READY. */
  stopAll(): void {
    for (const abort of [...this.running.values()])
      abort(new QuireError("E_NOT_READY", "the server is stopping; try the image again in a moment"));
  }
}
