/** One thread's queue of pages to render: undated pages first (in arrival order), then by date, oldest
 *  first — a binary heap, since pagination adds dated pages while the crawl runs. */
import type { PageJob } from "./page-renderer.js";

interface Item {
  job: PageJob;
  at: number;
  seq: number;
}

export class JobQueue {
  private readonly heap: Item[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(job: PageJob): void {
    this.heap.push({ job, at: job.at ?? -Infinity, seq: this.seq++ });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns up to `n` jobs, earliest first. */
  take(n: number): PageJob[] {
    const out: PageJob[] = [];
    while (out.length < n && this.heap.length > 0) out.push(this.pop());
    return out;
  }

  private pop(): PageJob {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.job;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = t;
  }
}
