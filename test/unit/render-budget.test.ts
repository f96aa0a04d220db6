/** The template engine's time budget: a render that would never end is stopped with E_RENDER_BUDGET, naming the
 *  template, wherever its time goes (loops, calls, printing); without a budget the same engine renders as before.
 *  The budget counts the thread's CPU time, so the slow parts here spend CPU time, not wall-clock time. */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TemplateEngine } from "../../src/template/engine.js";
import { checkBudget, excludeFromBudget, withBudget } from "../../src/template/budget.js";
import { threadCpuMs } from "../../src/template/thread-cpu.js";
import { QuireError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "quire-budget-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEMPLATES: Record<string, string> = {
  // Ten billion turns of a loop.
  "loops.html": "{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}never",
  // 2^60 calls of a macro, never deeper than 60.
  "calls.html":
    "{% macro f(n) %}{% if n > 0 %}{% set a = f(n - 1) %}{% set b = f(n - 1) %}{% endif %}{% endmacro %}{{ f(60) }}never",
  // Printing, in an included template.
  "prints.html": "{% include '_inner.html' %}never",
  "_inner.html":
    "{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{{ j }}{% endfor %}{% endfor %}",
  "quick.html": "{% for i in range(0, 3) %}{{ i }}{% endfor %}",
};
for (const [name, text] of Object.entries(TEMPLATES)) writeFileSync(join(dir, name), text);
const engine = new TemplateEngine({ templatesDir: dir });

/** Keeps this thread busy for `ms` of its CPU time (the budget counts CPU time, not the wall clock). */
function spinCpu(ms: number): void {
  const start = threadCpuMs();
  while (threadCpuMs() - start < ms);
}

function renderWithin(ms: number, name: string, context: Record<string, unknown> = {}): unknown {
  try {
    return withBudget(ms, () => engine.render(engine.find(name, "")!, context));
  } catch (err) {
    return err;
  }
}

describe("the template engine's time budget", () => {
  it.each(["loops.html", "calls.html", "prints.html"])(
    "stops %s at the budget with E_RENDER_BUDGET naming the page's template",
    (name) => {
      // The first render compiles the template: cold, it gets 750 ms more; the next one does not.
      for (const allowed of [800, 50]) {
        const err = renderWithin(50, name);
        expect(err).toBeInstanceOf(QuireError);
        expect((err as QuireError).code).toBe("E_RENDER_BUDGET");
        expect((err as QuireError).status).toBe(503);
        expect((err as QuireError).file).toBe(`templates/${name}`);
        expect((err as QuireError).message).toContain(`took more than ${allowed} ms`);
      }
    },
  );

  it("renders a quick template within the budget, and the same engine again afterwards", () => {
    expect(renderWithin(50, "loops.html")).toBeInstanceOf(QuireError);
    expect(renderWithin(5000, "quick.html")).toBe("012");
    expect(engine.render(engine.find("quick.html", "")!, {})).toBe("012");
  });

  it("sees the time of a call into Quire's code (an entry's Markdown) at once, and an error something caught", () => {
    // A value whose rendering took long and then swallowed the budget's error: the render still fails.
    const slowValue = {
      get body() {
        spinCpu(80);
        try {
          checkBudget();
        } catch {
          // swallowed on purpose
        }
        return "text";
      },
    };
    writeFileSync(join(dir, "slow-value.html"), "{{ entry.body }}");
    // Compiled once first: a render that compiles gets more time.
    expect(engine.render(engine.find("slow-value.html", "")!, { entry: { body: "quick" } })).toBe("quick");
    const err = renderWithin(20, "slow-value.html", { entry: slowValue });
    expect((err as QuireError).code).toBe("E_RENDER_BUDGET");
  });

  it("reads this thread's CPU time, which grows with work and not with waiting", () => {
    const before = threadCpuMs();
    // Blocked in the kernel for 100 ms: nothing can run on this thread meanwhile (a timer would let the test
    // runner's own work in, which on a loaded machine can take 50 ms of this thread's CPU).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    const idle = threadCpuMs() - before;
    spinCpu(50);
    expect(threadCpuMs() - before).toBeGreaterThanOrEqual(50);
    expect(idle).toBeLessThan(50);
  });

  it("does not count time excluded from the budget (compiling a template)", () => {
    const result = withBudget(20, () => {
      excludeFromBudget(() => spinCpu(60));
      checkBudget();
      return "rendered";
    });
    expect(result).toBe("rendered");
  });
});
