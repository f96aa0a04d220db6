// Starts a TypeScript worker module when Quire runs from source (development, tests): registers tsx in this thread first.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.__entry);
