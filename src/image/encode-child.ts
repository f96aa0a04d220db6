/**
 * The encoder process: makes one costly rendition sent by the server over IPC, sends back the bytes, and ends.
 * It exists so that the work can be stopped: libheif's AVIF encoder heeds no timeout, but a process can be killed.
 */
import { QuireError } from "../errors.js";
import { generateRendition } from "./pipeline.js";
import type { EncodeJob, EncodeReply } from "./encoder-process.js";

// The server went away (stopped, or killed without a chance to kill this process): so does the work.
process.on("disconnect", () => process.exit(0));

process.once("message", (job: EncodeJob) => {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  generateRendition(bytes, job.recipe, job.limits, job.label, job.budgetSeconds).then(
    (out) =>
      reply({ ok: { ...out, body: new Uint8Array(out.body.buffer, out.body.byteOffset, out.body.length) } }),
    (err: unknown) =>
      reply({
        error:
          err instanceof QuireError
            ? { code: err.code, message: err.message, field: err.field }
            : { code: "E_IMAGE_DECODE", message: `${job.label}: ${(err as Error).message}` },
      }),
  );
});

function reply(message: EncodeReply): void {
  process.send!(message, () => process.exit(0));
}
