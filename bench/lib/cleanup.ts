/** Cleanup that runs however a bench ends: normal return, thrown error, time limit, Ctrl-C or SIGTERM. */

type Task = () => void;

// Tasks are synchronous so that they can also run from the process 'exit' event.
const tasks = new Set<Task>();
let installed = false;

/** Registers `task` to run once at cleanup; the returned function runs it now and unregisters it. */
export function onCleanup(task: Task): () => void {
  installHandlers();
  let done = false;
  const once: Task = () => {
    if (done) return;
    done = true;
    tasks.delete(once);
    try {
      task();
    } catch (err) {
      process.stderr.write(`bench: cleanup failed: ${(err as Error).message}\n`);
    }
  };
  tasks.add(once);
  return once;
}

/** Runs every registered task, newest first (children are stopped before their folders are removed). */
export function cleanupAll(): void {
  for (const task of [...tasks].reverse()) task();
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", cleanupAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
      cleanupAll();
      process.exit(130);
    });
  }
}
