/** The rotating URL mix of the load test: entries, home, categories, date and tag pages, feeds, sitemap, renditions, static files, 404s and 301s. */

async function text(url: string): Promise<string> {
  const res = await fetch(url);
  return res.text();
}

/** Collects paths from the running site itself (sitemap and pages), so the mix matches what readers reach. */
export async function collectUrls(base: string): Promise<string[]> {
  const sitemap = await text(`${base}/sitemap.xml`);
  const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
  const entries = locs.filter((p) => /\/\d+(-[^/]*)?$/.test(p));
  const categories = locs.filter((p) => p.endsWith("/"));
  const images = new Set<string>();
  for (const entry of entries.slice(0, 400)) {
    const html = await text(`${base}${entry}`);
    for (const m of html.matchAll(/src="(\/_img\/[^"]+)"/g)) images.add(m[1]!.replace(/&amp;/g, "&"));
    if (images.size >= 30) break;
  }
  const picked = entries
    .filter((_, i) => i % Math.max(1, Math.floor(entries.length / 300)) === 0)
    .slice(0, 300);
  const ids = picked.slice(0, 40).map((p) => `/${/\/(\d+)(?:-[^/]*)?$/.exec(p)![1]}`);
  const tags = ["Bread", "Coffee", "Trains", "Rust", "Gardens", "Jazz"];
  const mix = [
    ...picked,
    "/",
    ...categories,
    ...["2017", "2019-05", "2021-11", "2023-02-14"].map((d) => `/?date=${d}`),
    ...categories.slice(0, 5).map((c) => `${c}?date=2020`),
    ...tags.map((t) => `/?tag=${t}`),
    ...categories.slice(0, 5).map((c, i) => `${c}?tag=${tags[i]}&tag=${tags[i + 1]}`),
    "/feed",
    ...categories.slice(0, 3).map((c) => `${c}feed`),
    "/sitemap.xml",
    "/robots.txt",
    "/style.css",
    "/static/hello.txt",
    ...images,
    ...Array.from({ length: 10 }, (_, i) => `/no/such/page-${i}`),
    ...ids,
  ];
  // Interleave kinds so every stretch of the rotation mixes cheap and dear requests.
  return mix
    .map((p, i) => ({ p, k: (i * 7919) % mix.length }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.p);
}
