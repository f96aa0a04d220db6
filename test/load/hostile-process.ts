/** Hostile clients in a process of their own (`node --import tsx test/load/hostile-process.ts BASE SECONDS PATH…`):
 *  their downloads must not slow the load generator that measures everyone else. Prints their report as JSON. */
import { hostileClients } from "./stall.js";

const [base, seconds, ...paths] = process.argv.slice(2);
const report = await hostileClients(
  base!,
  paths,
  new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000)),
);
process.stdout.write(`${JSON.stringify(report)}\n`);
