/** A real, in-memory RenditionStore for the image tests (names → bytes, with last-use times for cleanup). */
import { QuireError } from "../../src/errors.js";
import type { RenditionStore, StoredRendition } from "../../src/store/rendition-store.js";

export class MemoryStore implements RenditionStore {
  readonly label = "memory";
  private readonly objects = new Map<string, { body: Buffer; contentType: string; usedAt: number }>();
  puts = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async get(name: string): Promise<StoredRendition | null> {
    const hit = this.objects.get(name);
    if (!hit) return null;
    hit.usedAt = this.now();
    return { body: Buffer.from(hit.body), contentType: hit.contentType, size: hit.body.length };
  }

  async has(name: string): Promise<boolean> {
    return this.objects.has(name);
  }

  async put(name: string, body: Buffer, contentType: string): Promise<void> {
    this.puts++;
    // Copy, so a caller reusing its buffer can never change what was stored.
    this.objects.set(name, { body: Buffer.from(body), contentType, usedAt: this.now() });
  }

  publicUrl(): string | null {
    return null;
  }

  async cleanup(maxAgeDays: number): Promise<number> {
    const cutoff = this.now() - maxAgeDays * 86_400_000;
    let removed = 0;
    for (const [name, object] of this.objects) {
      if (object.usedAt < cutoff) {
        this.objects.delete(name);
        removed++;
      }
    }
    return removed;
  }

  /** Forget everything (a fresh dyno's empty disk). */
  clear(): void {
    this.objects.clear();
  }

  get size(): number {
    return this.objects.size;
  }
}

/** A store whose disk is full: every write fails the way a real store reports it (E_STORE). */
export class FullStore extends MemoryStore {
  override async put(name: string): Promise<void> {
    throw new QuireError("E_STORE", `no space left to store ${name}`);
  }
}
