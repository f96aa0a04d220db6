/** Where commands print: stdout for results, stderr for warnings; swappable so tests can read both. */

export interface Output {
  line(text: string): void;
  err(text: string): void;
  json(value: unknown): void;
}

/** Prints to the process's stdout and stderr. */
export function processOutput(): Output {
  return {
    line: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
  };
}

/** `1 file`, `2 files`: a count with its noun, for messages. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
