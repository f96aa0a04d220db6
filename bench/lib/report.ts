/** Printing bench results: the machine, aligned tables, and PASS/FAIL lines for targets. */
import { cpus, loadavg, totalmem } from "node:os";
import { scratchRoot } from "./work-dir.js";

/** A section heading. */
export function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

/** One line describing where the figures come from. */
export function describeMachine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? "unknown CPU";
  const memGb = (totalmem() / 2 ** 30).toFixed(0);
  const load = loadavg()[0]?.toFixed(2) ?? "?";
  const date = new Date().toISOString().slice(0, 10);
  return `${cpu.length} × ${model}, ${memGb} GB RAM, Node ${process.version}, scratch on ${scratchRoot()}, load average ${load} at start, ${date}`;
}

/** The 1-minute load average now: on a shared 2-core machine, anything much above 2 means other work competed. */
export function loadNote(): string {
  return `load average ${loadavg()[0]?.toFixed(2) ?? "?"} (1 min) at the end; figures are noisy when it is above ~2 on 2 cores`;
}

/** Prints rows as columns, numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) =>
        /^([\d.,]|n\/a$)/.test(cell) ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number),
      )
      .join("  ")
      .trimEnd();
  process.stdout.write(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

/** A figure with a limit: `at most` (times, memory), `at least` (throughput), or within ±tolerance of 1. */
export interface Target {
  name: string;
  actual: number;
  limit: number;
  kind: "max" | "min" | "near-one";
  format: (n: number) => string;
}

/** Prints one PASS/FAIL line per target and returns how many failed (benches exit 0 either way: they report). */
export function checkTargets(targets: readonly Target[]): number {
  let failed = 0;
  for (const t of targets) {
    const ok =
      t.kind === "max"
        ? t.actual <= t.limit
        : t.kind === "min"
          ? t.actual >= t.limit
          : Math.abs(t.actual - 1) <= t.limit;
    if (!ok) failed++;
    const want =
      t.kind === "max"
        ? `≤ ${t.format(t.limit)}`
        : t.kind === "min"
          ? `≥ ${t.format(t.limit)}`
          : `1.00 ± ${t.limit.toFixed(2)}`;
    process.stdout.write(`${ok ? "PASS" : "FAIL"}  ${t.name}: ${t.format(t.actual)} (target ${want})\n`);
  }
  return failed;
}

/** Milliseconds with no decimals, or one below 10 ms. */
export function ms(n: number): string {
  return Number.isNaN(n) ? "n/a" : n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}

/** Kibibytes as mebibytes. */
export function mb(kb: number): string {
  return Number.isNaN(kb) ? "n/a" : `${(kb / 1024).toFixed(0)} MB`;
}

/** A ratio such as 1.23×. */
export function times(n: number): string {
  return Number.isNaN(n) ? "n/a" : `${n.toFixed(2)}×`;
}

/** A whole number with thousands separators. */
export function count(n: number): string {
  return Number.isNaN(n) ? "n/a" : Math.round(n).toLocaleString("en-US");
}
