/** The churn of the load test: adds, edits, moves and deletes entries while the site serves, and times when each change shows. */
import { writeFileSync, renameSync, rmSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export interface ChurnReport {
  changes: number;
  /** Changes made by renaming a file into place (editors' atomic saves, `git checkout`, moves). */
  atomic: number;
  p50: number;
  max: number;
  /** Changes never seen (not within 30 s). */
  late: string[];
  /** Every file the churn left behind, with the bytes it wrote (relative to content/). */
  written: Record<string, Buffer>;
}

const ID0 = 9_000_001;

function entryText(k: number, edited: boolean): Buffer {
  const title = `Churn entry ${k}${edited ? " edited" : ""}`;
  return Buffer.from(
    `Title: ${title}\nEntry-ID: ${ID0 + k}\nUUID: 00000000-0000-4000-8000-${String(k).padStart(12, "0")}\nDate: 2024-06-01 12:00:00+00:00\nTag: Churn\n\nThe body of ${title}.\n`,
  );
}

/** Where `/<id>` points now: the Location of its 301, or the status when it is not a redirect. */
async function whereIs(base: string, id: number): Promise<string> {
  const res = await fetch(`${base}/${id}`, { redirect: "manual" });
  await res.arrayBuffer();
  return res.status === 301 ? (res.headers.get("location") ?? "") : String(res.status);
}

export async function churn(options: {
  base: string;
  contentDir: string;
  changes: number;
}): Promise<ChurnReport> {
  const { base, contentDir } = options;
  mkdirSync(join(contentDir, "churn"), { recursive: true });
  mkdirSync(join(contentDir, "churn-moved"), { recursive: true });
  const written: Record<string, Buffer> = {};
  const latencies: number[] = [];
  const late: string[] = [];
  let atomic = 0;
  let count = 0;

  const write = (rel: string, bytes: Buffer, viaRename: boolean) => {
    const abs = join(contentDir, rel);
    if (viaRename) {
      const tmp = join(contentDir, "churn", `.${k4()}.tmp`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, abs);
      atomic++;
    } else {
      writeFileSync(abs, bytes);
    }
    written[rel] = bytes;
  };
  const k4 = () => Math.random().toString(36).slice(2, 8);
  const expect = async (what: string, id: number, ok: (where: string) => boolean) => {
    count++;
    const started = Date.now();
    for (;;) {
      const where = await whereIs(base, id);
      if (ok(where)) break;
      // A hang guard, not a speed limit: how soon changes show is the p50 and max this phase prints.
      if (Date.now() - started > 30_000) {
        late.push(`${what} (still ${where})`);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    latencies.push(Date.now() - started);
  };

  const adds = 30;
  for (let k = 0; k < adds; k++) {
    write(`churn/entry-${k}.md`, entryText(k, false), k % 2 === 0);
    await expect(`add ${k}`, ID0 + k, (w) => w.startsWith(`/churn/${ID0 + k}-Churn-entry-${k}`));
  }
  for (let k = 0; k < 25; k++) {
    write(`churn/entry-${k}.md`, entryText(k, true), k % 2 === 0);
    await expect(`edit ${k}`, ID0 + k, (w) => w === `/churn/${ID0 + k}-Churn-entry-${k}-edited`);
  }
  for (let k = 5; k < 30; k++) {
    const from = `churn/entry-${k}.md`;
    const to = `churn-moved/entry-${k}.md`;
    renameSync(join(contentDir, from), join(contentDir, to));
    written[to] = written[from]!;
    delete written[from];
    atomic++;
    await expect(`move ${k}`, ID0 + k, (w) => w.startsWith(`/churn-moved/${ID0 + k}-`));
  }
  for (let k = 10; k < 30; k++) {
    const rel = `churn-moved/entry-${k}.md`;
    rmSync(join(contentDir, rel));
    delete written[rel];
    await expect(`delete ${k}`, ID0 + k, (w) => w === "404");
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    changes: count,
    atomic,
    p50: sorted[Math.floor(sorted.length / 2)] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    late,
    written,
  };
}
