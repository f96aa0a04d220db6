/** Header names Quire interprets, and the close one an unknown header was probably meant to be (`Titel` → `Title`). */

/** Every header Quire (as Publ) interprets, as written in the docs. */
export const KNOWN_HEADERS = [
  "Title", "Sort-Title", "Date", "Last-Modified", "Entry-ID", "UUID", "Category", "Status", "Slug-Text",
  "Redirect-To", "Path-Alias", "Path-Canonical", "Path-Mount", "Entry-Type", "Entry-Template", "Tag",
  "Hidden-Tag", "Summary", "Attach", "Auth",
] as const;

const BY_KEY = new Map(KNOWN_HEADERS.map((name) => [name.toLowerCase(), name] as const));

/**
 * The known header an unknown key is one slip away from (a letter added, dropped, changed, or two swapped),
 * or null. Only keys of four letters or more: short custom headers are too often close to a real one.
 */
export function suggestHeader(key: string): string | null {
  const k = key.toLowerCase();
  if (BY_KEY.has(k) || k === "id" || k.length < 4) return null;
  for (const [known, name] of BY_KEY) if (oneSlip(k, known)) return name;
  return null;
}

/** Optimal string alignment distance of at most 1. */
function oneSlip(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return false;
  const rest = (x: string, y: string) => x === y;
  return (
    rest(a.slice(i + 1), b.slice(i + 1)) || // changed
    rest(a.slice(i + 1), b.slice(i)) || // added in a
    rest(a.slice(i), b.slice(i + 1)) || // dropped from a
    (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a.slice(i + 2), b.slice(i + 2))) // swapped
  );
}
