/** Single flight and the generation bound: shared jobs per key, never more than the limit running. */
import { describe, expect, it } from "vitest";
import { Semaphore, SingleFlight } from "../../src/image/single-flight.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("SingleFlight", () => {
  it("shares one job among concurrent callers, and starts afresh after it settles (even after a failure)", async () => {
    const flight = new SingleFlight<string, number>();
    let runs = 0;
    const job = async () => {
      runs++;
      await tick();
      if (runs === 2) throw new Error("boom");
      return runs;
    };
    expect(await Promise.all([flight.run("a", job), flight.run("a", job), flight.run("a", job)])).toEqual([
      1, 1, 1,
    ]);
    await expect(flight.run("a", job)).rejects.toThrow("boom");
    expect(await flight.run("a", job)).toBe(3);
    expect(flight.size).toBe(0);
  });
});

describe("Semaphore", () => {
  it("never runs more than its limit, and runs everything", async () => {
    const gate = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gate
          .use(async () => {
            running++;
            peak = Math.max(peak, running);
            await tick();
            running--;
            if (i % 7 === 0) throw new Error(`job ${i}`);
            return i;
          })
          .catch(() => -1),
      ),
    );
    expect(peak).toBe(3);
    expect(done.filter((d) => d >= 0)).toHaveLength(17);
    expect(gate.inUse).toBe(0);
  });
});
