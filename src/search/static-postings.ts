/**
 * The postings of the static search index (see static-index.ts): FTS5's (doc, column, offset) triples read from
 * the text SQLite joins them into, renumbered to the export's entries, and encoded as the browser reads them.
 */

/** The numbers of a `group_concat` of space-separated non-negative integers, read without splitting it. */
export function readTriples(joined: string): Int32Array {
  let n = 1;
  for (let i = 0; i < joined.length; i++) if (joined.charCodeAt(i) === 32) n++;
  const out = new Int32Array(n);
  let k = 0;
  let value = 0;
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    if (c === 32) {
      out[k++] = value;
      value = 0;
    } else value = value * 10 + (c - 48);
  }
  out[k] = value;
  return out;
}

/**
 * The (doc, column, offset) triples of exported entries, docs renumbered densely, in (doc, column, offset)
 * order. SQLite hands them over in FTS5's order, by docid and then by position: each doc's run of triples is
 * kept as it comes (sorted only should a plan ever hand them over otherwise) and the runs sorted by dense doc.
 */
export function renumbered(triples: Int32Array, dense: Int32Array): Int32Array {
  // Each run as dense doc × 2^26 + the index of its first triple / 3: sorted as numbers, no comparator.
  const runs: number[] = [];
  let kept = 0;
  for (let i = 0; i < triples.length;) {
    let j = i + 3;
    while (j < triples.length && triples[j] === triples[i]) j += 3;
    const doc = dense[triples[i]!] ?? -1;
    if (doc >= 0) {
      runs.push(doc * 2 ** 26 + i / 3);
      kept += j - i;
    }
    i = j;
  }
  const keys = Float64Array.from(runs).sort();
  const out = new Int32Array(kept);
  let k = 0;
  for (const key of keys) {
    const doc = Math.floor(key / 2 ** 26);
    const from = (key - doc * 2 ** 26) * 3;
    const start = k;
    for (let t = from; t < triples.length && triples[t] === triples[from]; t += 3) {
      out[k++] = doc;
      out[k++] = triples[t + 1]!;
      out[k++] = triples[t + 2]!;
    }
    if (!ascending(out, start, k)) sortRun(out, start, k);
  }
  return out;
}

function ascending(t: Int32Array, start: number, end: number): boolean {
  for (let i = start + 3; i < end; i += 3)
    if (t[i + 1]! < t[i - 2]! || (t[i + 1] === t[i - 2] && t[i + 2]! <= t[i - 1]!)) return false;
  return true;
}

function sortRun(t: Int32Array, start: number, end: number): void {
  const pairs: [number, number][] = [];
  for (let i = start; i < end; i += 3) pairs.push([t[i + 1]!, t[i + 2]!]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  pairs.forEach(([col, offset], n) => {
    t[start + n * 3 + 1] = col;
    t[start + n * 3 + 2] = offset;
  });
}

/**
 * One term's postings as the browser reads them: per doc, its gap from the previous doc, its count of
 * positions, then the positions (column × stride + offset) as gaps from the previous one.
 */
export function encodePostings(triples: Int32Array, stride: number): number[] {
  const list: number[] = [];
  let lastDoc = -1;
  let lastPos = 0;
  let countAt = -1;
  for (let i = 0; i < triples.length; i += 3) {
    const doc = triples[i]!;
    const pos = triples[i + 1]! * stride + triples[i + 2]!;
    if (doc !== lastDoc) {
      list.push(lastDoc < 0 ? doc : doc - lastDoc, 1, pos);
      countAt = list.length - 2;
      lastDoc = doc;
    } else {
      list.push(pos - lastPos);
      list[countAt]!++;
    }
    lastPos = pos;
  }
  return list;
}
