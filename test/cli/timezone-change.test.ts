// Changing `[site] timezone` moves every date without deleting anything: live in `serve --dev`, and after a restart.
import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { startQuireProcess, type QuireProcess } from "../helpers/process.js";

const entry = (id: number, date: string) =>
  `Title: Entry ${id}\nEntry-ID: ${id}\nUUID: 00000000-0000-4000-8000-00000000000${id}\nDate: ${date}\n\nText.\n`;

const root = makeSite({
  "quire.toml": '[site]\ntimezone = "America/Los_Angeles"\n',
  "content/a.md": entry(1, "2024-05-01 23:30"),
  "content/b.md": entry(2, "2024-01-15 08:00"),
  "content/c.md": entry(3, "2023-12-31 18:45"),
  // Written with its offset: shown as written whatever the site's zone.
  "content/d.md": entry(4, "2024-03-01 12:00:00+05:30"),
  "templates/index.html":
    "{% for e in view.entries %}{{ e.id }}={{ e.date.format('YYYY-MM-DD HH:mmZZ') }}@{{ e.date.format('X') }};{% endfor %}",
});
const data = mkdtempSync(join(tmpdir(), "quire-tz-data-"));
const running: QuireProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.stop();
  removeSite(root);
  rmSync(data, { recursive: true, force: true });
});

/** `{ id: [shown, epoch seconds] }` from the home page. */
async function dates(p: QuireProcess): Promise<Record<string, [string, number]>> {
  const body = await (await fetch(`${p.url}/`)).text();
  const out: Record<string, [string, number]> = {};
  for (const part of body.split(";").filter(Boolean)) {
    const m = /^(\d+)=(.+)@(\d+)$/.exec(part.trim());
    if (m) out[m[1]!] = [m[2]!, Number(m[3])];
  }
  return out;
}

const HOUR = 3600;

async function serve(args: string[] = []): Promise<QuireProcess> {
  const p = await startQuireProcess({ site: root, args, env: { QUIRE_DATA_DIR: data }, timeoutMs: 60_000 });
  running.push(p);
  return p;
}

describe("changing the site's time zone", () => {
  it("re-dates every entry in serve --dev as soon as quire.toml is saved, and after a restart", async () => {
    const dev = await serve(["--dev"]);
    const pacific = await dates(dev);
    expect(pacific["1"]![0]).toBe("2024-05-01 23:30-07:00");
    expect(pacific["2"]![0]).toBe("2024-01-15 08:00-08:00");
    expect(pacific["4"]![0]).toBe("2024-03-01 12:00+05:30");

    writeFileSync(join(root, "quire.toml"), '[site]\ntimezone = "Asia/Tokyo"\n');
    // The reload is an event in the server; wait for the page that shows it, bounded.
    let tokyo = await dates(dev);
    const deadline = Date.now() + 60_000;
    while (tokyo["1"]?.[0] !== "2024-05-01 23:30+09:00" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      tokyo = await dates(dev);
    }
    expect(tokyo["1"]![0]).toBe("2024-05-01 23:30+09:00");
    expect(tokyo["2"]![0]).toBe("2024-01-15 08:00+09:00");
    expect(tokyo["3"]![0]).toBe("2023-12-31 18:45+09:00");
    // Every naive date is another instant now; the one written with an offset is not.
    expect(tokyo["1"]![1]).toBe(pacific["1"]![1] - 16 * HOUR);
    expect(tokyo["2"]![1]).toBe(pacific["2"]![1] - 17 * HOUR);
    expect(tokyo["3"]![1]).toBe(pacific["3"]![1] - 17 * HOUR);
    expect(tokyo["4"]).toEqual(pacific["4"]);
    await dev.stop();
    running.pop();

    // Edited while no server runs: the next start finds an index built for Tokyo and rebuilds it.
    writeFileSync(join(root, "quire.toml"), '[site]\ntimezone = "Europe/Paris"\n');
    const prod = await serve();
    const paris = await dates(prod);
    expect(paris["1"]![0]).toBe("2024-05-01 23:30+02:00");
    expect(paris["2"]![0]).toBe("2024-01-15 08:00+01:00");
    expect(paris["1"]![1]).toBe(tokyo["1"]![1] + 7 * HOUR);
    expect(paris["4"]).toEqual(pacific["4"]);
  }, 180_000);
});
