/**
 * `npm run bench -- images`: a 4000×3000 photographic JPEG resized through Quire's `/_img/` route (cold: store
 * emptied before every request) against the bare sharp call doing the same work, medians of 7; and the latency
 * of a store hit (issue 4).
 */
import { mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { request, Agent } from "node:http";
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { benchArgs, numberOption } from "./lib/args.js";
import { ensureCompiledBuild, quireServe } from "./lib/quire.js";
import { freePort } from "./lib/free-port.js";
import { makeWorkDir } from "./lib/work-dir.js";
import { checkTargets, describeMachine, heading, loadNote, ms, table, times } from "./lib/report.js";
import { median, p50p99, ratio } from "./lib/stats.js";

export const description =
  "4000×3000 JPEG → 640 JPEG and 1280 WebP via /_img/ vs bare sharp; store-hit latency (issue 4)";
export const timeLimitS = 600;

const TARGETS = { overBare: 1.15, hitP50Ms: 2 };

/** A deterministic photograph-like image: smooth gradients with fine detail, so encoders do real work. */
async function photograph(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const raw = Buffer.alloc(width * height * 3);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = (seed >> 16) & 31;
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width + noise / 2;
      raw[i + 1] = (y * 255) / height + noise / 2;
      raw[i + 2] = 128 + 60 * Math.sin((x + y) / 90) + noise;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One GET; resolves with the wall time in ms and the body size. */
function timedGet(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent }, (res) => {
      let bytes = 0;
      res.on("data", (b: Buffer) => (bytes += b.length));
      res.on("end", () => resolve({ ms: performance.now() - started, bytes, status: res.statusCode ?? 0 }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Runs the bench and prints its report. */
export async function run(args: string[]): Promise<void> {
  const values = benchArgs("images", args, {
    runs: { type: "string", default: "7", help: "cold requests per case; figures are medians" },
  });
  if (!values) return;
  const runs = numberOption(values, "runs");
  ensureCompiledBuild({ skip: values["no-build"] === true });
  const work = makeWorkDir("images");
  const site = join(work.path, "site");
  for (const d of ["content", "templates", "static"]) mkdirSync(join(site, d), { recursive: true });
  const photo = await photograph();
  const photoPath = join(site, "content", "photo.jpg");
  writeFileSync(photoPath, photo);
  writeFileSync(
    join(site, "content", "photo.md"),
    'Title: Photo\nEntry-ID: 1\nDate: 2024-01-01\n\n![a](photo.jpg{640}) ![b](photo.jpg{width=1280,format="webp"})\n',
  );
  writeFileSync(join(site, "templates", "entry.html"), "{{ entry.body }}");
  const data = join(work.path, "data");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await quireServe({ site, data, port });
  try {
    const page = await (await fetch(`${base}/1-photo`)).text();
    const srcs = [...page.matchAll(/ src="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
    const jpegUrl = srcs.find((s) => s.includes("_640x480.jpg"));
    const webpUrl = srcs.find((s) => s.includes("_1280x960.webp"));
    if (!jpegUrl || !webpUrl) throw new Error(`rendition URLs not found on the page:\n${page}`);

    const cases = [
      { name: "640 JPEG", url: jpegUrl, bare: () => sharp(photoPath).resize(640).jpeg().toBuffer() },
      { name: "1280 WebP", url: webpUrl, bare: () => sharp(photoPath).resize(1280).webp().toBuffer() },
    ];
    readFileSync(photoPath); // the file is in the page cache for both sides
    const rows: string[][] = [];
    const ratios: number[] = [];
    for (const c of cases) {
      const quire: number[] = [];
      const bare: number[] = [];
      await c.bare();
      // Interleaved, so drift of this noisy machine hits both sides alike.
      for (let i = 0; i < runs; i++) {
        rmSync(join(data, "renditions"), { recursive: true, force: true });
        const r = await timedGet(`${base}${c.url}`);
        if (r.status !== 200) throw new Error(`${c.url} answered ${r.status}`);
        quire.push(r.ms);
        const t0 = performance.now();
        await c.bare();
        bare.push(performance.now() - t0);
      }
      const q = median(quire);
      const b = median(bare);
      ratios.push(ratio(q, b));
      rows.push([c.name, ms(q), ms(b), times(ratio(q, b))]);
    }
    const hits: number[] = [];
    for (let i = 0; i < 300; i++) hits.push((await timedGet(`${base}${jpegUrl}`)).ms);
    const hit = p50p99(hits.slice(50));

    heading("image renditions");
    process.stdout.write(`${describeMachine()}\n${loadNote()}\n`);
    table(["case (cold)", "Quire /_img/", "bare sharp", "ratio"], rows);
    process.stdout.write(
      `store hit: p50 ${ms(hit.p50)}, p99 ${ms(hit.p99)} (250 sequential requests, keep-alive)\n`,
    );
    checkTargets([
      ...cases.map((c, i) => ({
        name: `${c.name} cold vs bare sharp`,
        actual: ratios[i]!,
        limit: TARGETS.overBare,
        kind: "max" as const,
        format: times,
      })),
      { name: "store hit p50", actual: hit.p50, limit: TARGETS.hitP50Ms, kind: "max", format: ms },
    ]);
  } finally {
    await server.stop();
    agent.destroy();
  }
}
