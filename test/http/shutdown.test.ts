/** SIGTERM drains: a request in flight when the signal is handled gets its whole answer, then the process
 *  exits 0 without waiting out the grace period. Shown by events (the signal logged while the request is held
 *  open by the test), never by elapsed time. */
import { createConnection } from "node:net";
import { describe, it, expect, afterAll } from "vitest";
import { GRACE_EXPIRED } from "../../src/http/server.js";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuireProcess } from "../helpers/process.js";

const root = makeSite({
  "content/blog/a.md": "Title: A\nEntry-ID: 1\nDate: 2024-01-01\n\nHello.\n",
  "templates/index.html": "home",
});
afterAll(() => removeSite(root));

/** A raw connection that collects everything the server sends until it closes. */
function rawConnection(port: number) {
  const socket = createConnection({ host: "127.0.0.1", port });
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
  const closed = new Promise<string>((resolve, reject) => {
    socket.once("close", () => resolve(received));
    socket.once("error", reject);
  });
  return { socket, closed, received: () => received };
}

/** Polls until `check` holds; the bound only catches a hang. */
async function until(what: string, check: () => boolean): Promise<void> {
  const giveUp = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > giveUp) throw new Error(`never saw ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("SIGTERM", () => {
  it("lets the request in flight finish, then exits 0 without waiting out the grace period", async () => {
    const q = await startQuireProcess({ site: root, env: { QUIRE_DATA_DIR: `${root}/.data` } });
    const c = rawConnection(q.port);
    // Pipelined in one write: once the health answer arrives, the server has read the form's headers too.
    // Its body lacks one byte, so the request stays in flight until the test sends it.
    const form = "redirect=%2F";
    c.socket.write(
      "GET /_health HTTP/1.1\r\nHost: x\r\n\r\n" +
        "POST /_login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        `Content-Length: ${form.length}\r\n\r\n${form.slice(0, -1)}`,
    );
    await until("the health answer", () => c.received().includes('{"status":"ok"}'));
    q.child.kill("SIGTERM");
    await until("the signal handled", () => q.output().includes("stopping"));
    // The server is stopping and the request is still in flight: it gets its whole answer.
    c.socket.write(form.slice(-1));
    const received = await c.closed;
    const answer = received.slice(received.indexOf('{"status":"ok"}') + '{"status":"ok"}'.length);
    // No form token, so the form page says it expired: the answer a reader would see.
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain("This form has expired");
    expect(await q.exited).toBe(0);
    await expect(fetch(`${q.url}/`)).rejects.toThrow();
    // The drain ended when the request did: the connection was not left for the grace period to cut.
    expect(q.output()).not.toContain(GRACE_EXPIRED);
  });
});
