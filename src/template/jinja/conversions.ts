/** The number and text conversions behind Jinja's filters: `int`, `wordwrap`, `tojson`, `filesizeformat`. */
import { isDict, isSafe, numberStr, pyStr } from "./python.js";

/** Jinja's `int`: Python's `int(s, base)`, else `int(float(s))`, else the default. */
export function toInt(v: unknown, def: unknown, base: number): unknown {
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "boolean") return Number(v);
  const s = pyStr(v).trim().replace(/_/g, "").toLowerCase();
  const prefixed = /^([-+]?)0([xob])([0-9a-f]+)$/.exec(s);
  if (prefixed && base !== 10) {
    const b = { x: 16, o: 8, b: 2 }[prefixed[2] as "x" | "o" | "b"];
    const n = parseInt(prefixed[3]!, b);
    return prefixed[1] === "-" ? -n : n;
  }
  const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
  if (s !== "" && new RegExp(`^[-+]?[${digits}]+$`).test(s)) return parseInt(s, base);
  if (/^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?)$/.test(s)) return Math.trunc(Number(s));
  return def;
}

/** Jinja's `wordwrap`: words joined into lines of at most `width` characters, paragraphs kept. */
export function wordwrap(s: string, width: number, breakLong: boolean, wrap: string): string {
  return s
    .split(/\r\n|\r|\n/)
    .map((para) => {
      const lines: string[] = [];
      let line = "";
      for (let word of para.split(/\s+/).filter(Boolean)) {
        while (breakLong && word.length > width) {
          const room = line ? width - line.length - 1 : width;
          if (room <= 0) {
            lines.push(line);
            line = "";
            continue;
          }
          lines.push(line ? `${line} ${word.slice(0, room)}` : word.slice(0, room));
          line = "";
          word = word.slice(room);
        }
        if (!line) line = word;
        else if (line.length + 1 + word.length <= width) line += ` ${word}`;
        else {
          lines.push(line);
          line = word;
        }
      }
      if (line) lines.push(line);
      return lines.join(wrap);
    })
    .join(wrap);
}

/** Python's `json.dumps(sort_keys=True)` made safe for HTML, as Flask's `tojson` prints it. */
export function pyJson(v: unknown, indent: number | null, level = 0): string {
  const nl = indent === null ? "" : `\n${" ".repeat(indent * (level + 1))}`;
  const end = indent === null ? "" : `\n${" ".repeat(indent * level)}`;
  const sep = indent === null ? ", " : ",";
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number")
    return Number.isFinite(v) ? numberStr(v) : v > 0 ? "Infinity" : v < 0 ? "-Infinity" : "NaN";
  if (typeof v === "string" || isSafe(v))
    return JSON.stringify(pyStr(v)).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  if (Array.isArray(v))
    return v.length ? `[${nl}${v.map((x) => pyJson(x, indent, level + 1)).join(sep + nl)}${end}]` : "[]";
  if (isDict(v)) {
    const keys = Object.keys(v)
      .filter((k) => k !== "__keywords")
      .sort();
    return keys.length
      ? `{${nl}${keys.map((k) => `${pyJson(k, null)}: ${pyJson(v[k], indent, level + 1)}`).join(sep + nl)}${end}}`
      : "{}";
  }
  const json = (v as { toJSON?: () => unknown }).toJSON;
  if (typeof json === "function") return pyJson(json.call(v), indent, level);
  return pyJson(pyStr(v), indent, level);
}

/** Jinja's `filesizeformat`: `1.2 MB` (decimal) or `1.0 KiB` (binary). */
export function fileSize(value: unknown, binary: boolean): string {
  const bytes = Number(value);
  const base = binary ? 1024 : 1000;
  const prefixes = binary
    ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
    : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
  if (bytes === 1) return "1 Byte";
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  let i = 0;
  for (; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    if (bytes < unit) break;
  }
  return `${((base * bytes) / unit).toFixed(1)} ${prefixes[Math.min(i, prefixes.length - 1)]}`;
}
