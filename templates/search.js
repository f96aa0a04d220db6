{#- The default theme's search on static hosts. The /search page of a `quire build` export has no server to
    answer `?q=`: this script reads the query from the URL, fetches the shards of the exported index
    (_search/, written by quire build) that the query's words need, and lists the matches as the server
    would: same syntax, same filters, ranked by bm25 with the title weighted. It does nothing on a page the
    server already answered, and is only loaded by the search page. -#}
{% raw %}
const results = document.querySelector("[data-search-results]");
const params = new URLSearchParams(location.search);
const raw = (params.get("q") || "").trim();

const BASE = "/_search/";
const MAX_QUERY_CHARS = 256;
const MAX_TERMS = 16;
const PER_PAGE = 10;
const cache = new Map();

async function load(path) {
  if (!cache.has(path)) {
    cache.set(
      path,
      fetch(BASE + path).then(async (res) => {
        if (!res.ok) return null;
        const bytes = new Uint8Array(await res.arrayBuffer());
        // A host may already have decoded the gzip (Content-Encoding); only gzip's magic number is decompressed.
        const text =
          bytes[0] === 0x1f && bytes[1] === 0x8b
            ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
            : new TextDecoder().decode(bytes);
        return JSON.parse(text);
      }),
    );
  }
  return cache.get(path);
}

function fold(text) {
  return text.toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "");
}
function words(text) {
  return fold(text).match(/[\p{L}\p{N}\p{Co}]+/gu) || [];
}
function shardOf(term) {
  return [...term].slice(0, 2).map((c) => (/[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16))).join("");
}
function tagKey(tag) {
  return tag.trim().normalize("NFC").toLowerCase().replace(/\s+/g, " ");
}

/** The same syntax as the server (src/search/query.ts). */
function parse(input) {
  const text = input.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, MAX_QUERY_CHARS).trim();
  const q = { all: [], none: [], tags: [], notTags: [], text };
  let orNext = false;
  let count = 0;
  for (const m of text.matchAll(/(-?)(?:(tag|title):)?(?:"([^"]*)"?|(\S+))/giu)) {
    if (count >= MAX_TERMS) break;
    const [, minus, field, phrase, bare] = m;
    const body = phrase ?? bare ?? "";
    if (!field && phrase === undefined && body === "OR") {
      orNext = q.all.length > 0;
      continue;
    }
    if (field && field.toLowerCase() === "tag") {
      const key = tagKey(body);
      if (key) (minus ? q.notTags : q.tags).push(key);
      count++;
      orNext = false;
      continue;
    }
    const ws = words(body);
    if (ws.length === 0) continue;
    const term = { words: ws, prefix: phrase === undefined && body.endsWith("*"), title: !!field };
    count++;
    if (minus) q.none.push(term);
    else if (orNext) q.all[q.all.length - 1].push(term);
    else q.all.push([term]);
    orNext = false;
  }
  return q;
}

/** Postings of one word: Map doc → sorted positions (column × stride + offset). */
async function postings(meta, word, prefix) {
  const wordShard = shardOf(word);
  const stems = meta.words.includes(wordShard) ? await load(`w/${wordShard}.json.gz`) : null;
  const stem = (stems && stems[word]) || word;
  const names = prefix
    ? meta.terms.filter((n) => n.startsWith(shardOf(stem)) || shardOf(stem).startsWith(n))
    : meta.terms.includes(shardOf(stem))
      ? [shardOf(stem)]
      : [];
  const out = new Map();
  for (const name of names) {
    const shard = await load(`t/${name}.json.gz`);
    for (const term of Object.keys(shard || {})) {
      if (prefix ? !term.startsWith(stem) : term !== stem) continue;
      const list = shard[term];
      let doc = 0;
      let first = true;
      for (let i = 0; i < list.length; ) {
        doc = first ? list[i] : doc + list[i];
        first = false;
        const n = list[i + 1];
        let pos = 0;
        const positions = out.get(doc) || [];
        for (let k = 0; k < n; k++) {
          pos += list[i + 2 + k];
          positions.push(pos);
        }
        out.set(doc, positions);
        i += 2 + n;
      }
    }
  }
  for (const p of out.values()) p.sort((a, b) => a - b);
  return out;
}

/** Documents holding a term (a phrase of one or more words), with per-column hit counts. */
async function termHits(meta, term) {
  const lists = [];
  for (let i = 0; i < term.words.length; i++)
    lists.push(await postings(meta, term.words[i], term.prefix && i === term.words.length - 1));
  const hits = new Map();
  for (const [doc, first] of lists[0]) {
    const counts = [0, 0, 0];
    for (const pos of first) {
      const col = Math.floor(pos / meta.stride);
      if (term.title && col !== 0) continue;
      if (lists.every((l, k) => k === 0 || (l.get(doc) || []).includes(pos + k))) counts[col]++;
    }
    if (counts[0] + counts[1] + counts[2] > 0) hits.set(doc, counts);
  }
  return hits;
}

async function run() {
  const meta = await load("meta.json");
  if (!meta) return fail(new Error("no search index"));
  const q = parse(raw);
  let candidates = null;
  const scores = new Map();
  const idf = (n) => Math.max(1e-6, Math.log((meta.entries - n + 0.5) / (n + 0.5)));
  // bm25 without length normalisation (column lengths are not shipped): close to the server's order.
  const score = (counts, n) =>
    counts.reduce((s, tf, c) => (tf ? s + meta.weights[c] * idf(n) * ((tf * 2.2) / (tf + 1.2)) : s), 0);
  for (const group of q.all) {
    const union = new Set();
    for (const term of group) {
      const hits = await termHits(meta, term);
      for (const [doc, counts] of hits) {
        union.add(doc);
        scores.set(doc, (scores.get(doc) || 0) + score(counts, hits.size));
      }
    }
    candidates = candidates ? new Set([...candidates].filter((d) => union.has(d))) : union;
  }
  if (candidates === null) {
    if (q.tags.length === 0) return show(q, [], meta);
    candidates = new Set(Array.from({ length: meta.entries }, (_, i) => i));
  }
  for (const term of q.none) for (const doc of (await termHits(meta, term)).keys()) candidates.delete(doc);
  if (q.tags.length > 0 || q.notTags.length > 0) {
    const tags = (await load("tags.json.gz")) || { visible: {}, hidden: {} };
    const sets = new Map();
    const setOf = (list, key) => {
      if (!sets.has(list + key)) sets.set(list + key, new Set(tags[list][key] || []));
      return sets.get(list + key);
    };
    const has = (key, doc) => setOf("visible", key).has(doc);
    const hasHidden = (key, doc) => setOf("hidden", key).has(doc);
    for (const doc of [...candidates]) {
      if (!q.tags.every((t) => has(t, doc)) || q.notTags.some((t) => has(t, doc) || hasHidden(t, doc)))
        candidates.delete(doc);
    }
  }
  // Scores are positive here, where FTS5's bm25 is negative: higher first, then newer (entries are newest first).
  const found = [...candidates].sort((a, b) => (scores.get(b) || 0) - (scores.get(a) || 0) || a - b);
  await show(q, found, meta);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

async function show(q, found, meta) {
  const page = Math.max(1, Math.min(Number.parseInt(params.get("page") || "1", 10) || 1, Math.ceil(found.length / PER_PAGE) || 1));
  const pages = Math.ceil(found.length / PER_PAGE);
  const shown = [];
  for (const doc of found.slice((page - 1) * PER_PAGE, page * PER_PAGE)) {
    const block = await load(`d/${Math.floor(doc / meta.block)}.json.gz`);
    if (block) shown.push(block[doc % meta.block]);
  }
  results.replaceChildren();
  const quoted = el("q", {}, q.text);
  const summary = el("p", { class: "search-summary", role: "status" });
  if (found.length === 0) summary.append("No entries match ", quoted, ".");
  else if (pages > 1) summary.append(`${found.length} entries match `, quoted, `; page ${page} of ${pages}.`);
  else summary.append(`${found.length} ${found.length === 1 ? "entry matches" : "entries match"} `, quoted, ".");
  results.append(summary);
  for (const [url, title, date, categoryName] of shown) {
    const line = el("p", { class: "entry-meta" }, el("time", { datetime: date }, date));
    if (categoryName) line.append(" · ", categoryName);
    results.append(
      el("article", { class: "entry search-hit" }, line, el("h2", { class: "entry-title" }, el("a", { href: url }, title))),
    );
  }
  if (pages > 1) {
    const nav = el("nav", { class: "pagination", "aria-label": "More results" });
    const link = (n) => `?q=${encodeURIComponent(raw)}${n > 1 ? `&page=${n}` : ""}`;
    if (page > 1) nav.append(el("a", { class: "pagination-newer", href: link(page - 1), rel: "prev" }, "← Previous results"));
    if (page < pages) nav.append(el("a", { class: "pagination-older", href: link(page + 1), rel: "next" }, "More results →"));
    results.append(nav);
  }
  const input = document.querySelector("#search-page-q");
  if (input) input.value = raw;
  document.title = `Search: ${q.text} · ${document.title.replace(/^Search · /, "")}`;
  results.setAttribute("data-search-done", "");
}

function fail(err) {
  if (results) results.replaceChildren(el("p", { class: "search-summary", role: "status" }, "Search is not available here."));
  results?.setAttribute("data-search-done", "");
  console.error(err);
}

if (results && !results.hasAttribute("data-search-done") && raw) run().catch(fail);
{% endraw %}
