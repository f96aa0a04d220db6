/** Coordination for expensive work: one job per key at a time (callers share it), and a bound on jobs running at once. */

/** Concurrent calls with the same key share one running job; the next call after it settles starts a new one. */
export class SingleFlight<K, V> {
  private readonly running = new Map<K, Promise<V>>();

  /** Run `job` for `key`, or join the one already running. */
  run(key: K, job: () => Promise<V>): Promise<V> {
    const current = this.running.get(key);
    if (current) return current;
    const started = (async () => {
      try {
        return await job();
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, started);
    return started;
  }

  /** Jobs running now. */
  get size(): number {
    return this.running.size;
  }
}

/** At most `limit` holders at once; the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`Semaphore limit must be a whole number ≥ 1, got ${limit}`);
  }

  /** Run `job` once a slot is free, releasing the slot however it ends. */
  async use<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter so a newcomer cannot overtake it.
      if (next) next();
      else this.active--;
    }
  }

  /** Jobs holding a slot now. */
  get inUse(): number {
    return this.active;
  }
}
