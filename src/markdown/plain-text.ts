/**
 * Titles: rendered as inline Markdown with inline HTML kept (as Publ keeps it) but sanitised, and as plain text
 * for slugs and `<title>`. Titles may carry emphasis, code, strikethrough and smart quotes, but not links or
 * images: a title is usually shown inside a link to its entry, and links must not nest.
 */

import { createRequire } from "node:module";
import type sanitizeHtml from "sanitize-html";
import { newMarkdownIt, type MarkdownIt } from "./markdown-it.js";
import { decodeEntities, scanHtml } from "./html-scan.js";

// sanitize-html (with htmlparser2 and postcss) takes ~70 ms to load, and only a title with a `<` needs it: loaded
// then, so that no thread pays for it at start.
const requireLazily = createRequire(import.meta.url);
let sanitize: typeof sanitizeHtml | undefined;

let titleMd: MarkdownIt | undefined;
let textMd: MarkdownIt | undefined;

/**
 * What raw HTML a title may carry: inline markup only, with no attribute that can run script, load anything or
 * restyle the page. Any other tag (`<script>`, `<a>`, `<img>`, `<div>`) is shown as the text the author wrote,
 * so nothing is silently lost and nothing runs.
 */
const TITLE_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "code",
    "kbd",
    "samp",
    "var",
    "sub",
    "sup",
    "small",
    "abbr",
    "dfn",
    "cite",
    "q",
    "time",
    "span",
    "bdi",
    "bdo",
    "br",
    "wbr",
  ],
  allowedAttributes: {
    abbr: ["title"],
    dfn: ["title"],
    span: ["class", "lang", "dir", "title"],
    bdo: ["dir"],
    time: ["datetime"],
  },
  allowedSchemes: [],
  disallowedTagsMode: "escape",
};

/** The instance for titles: inline raw HTML (sanitised after), no links. */
function titleRenderer(): MarkdownIt {
  titleMd ??= newMarkdownIt("default", { html: true, typographer: true, linkify: false }).disable([
    "link",
    "image",
    "autolink",
  ]);
  return titleMd;
}

/** The instance for plain text: raw HTML is parsed so that its tags can be dropped. */
function textRenderer(): MarkdownIt {
  textMd ??= newMarkdownIt("default", { html: true, typographer: true, linkify: false });
  return textMd;
}

/** A title as inline HTML: `*x*` → `<em>x</em>`, quotes curled, inline HTML kept, any other tag shown as text. */
export function renderTitle(title: string): string {
  let html = TITLES.get(title);
  if (html === undefined) {
    const rendered = titleRenderer().renderInline(title.trim());
    // Most titles have no tag markdown-it did not write itself: only those with a `<` from the author pay.
    if (title.includes("<")) {
      sanitize ??= requireLazily("sanitize-html") as typeof sanitizeHtml;
      html = sanitize(rendered, TITLE_HTML);
    } else html = rendered;
    if (TITLES.size >= MAX_TITLES) TITLES.clear();
    TITLES.set(title, html);
  }
  return html;
}

// A page shows the titles of the entries it lists and links to, so each title is rendered on many pages.
const TITLES = new Map<string, string>();
const MAX_TITLES = 20_000;

/** A title's visible text, as readers see it: Markdown markup dropped, but raw HTML kept as the text it is shown as. */
export function titleText(title: string): string {
  return htmlToText(renderTitle(title));
}

/**
 * A title as Publ's `title(markup=False)` gives it (`<title>`, feeds, cards): its visible text with struck-out
 * words (`~~x~~`, `<s>`, `<del>`) left out, "A ~~serious~~ comical mistake" reading "A comical mistake".
 */
export function titlePlainText(title: string): string {
  return htmlToText(renderTitle(title), STRUCK_TAGS);
}

/**
 * A title's words for its slug, as Publ reads them: Markdown and raw HTML tags dropped, and struck-out words
 * (`~~x~~`, `<s>`, `<del>`) left out: "A ~~serious~~ comical mistake <s>is joke</s>" gives "A comical mistake".
 */
export function titleSlugText(title: string): string {
  slugMd ??= newMarkdownIt("default", { html: true, typographer: true, linkify: false }).disable([
    "link",
    "image",
    "autolink",
  ]);
  return htmlToText(slugMd.renderInline(title.trim()), STRUCK_TAGS);
}

let slugMd: MarkdownIt | undefined;

const STRUCK_TAGS: ReadonlySet<string> = new Set(["del", "s", "strike"]);

/** The visible text of a short piece of Markdown or HTML: markup and tags dropped, entities decoded, whitespace collapsed. */
export function plainText(source: string): string {
  return htmlToText(textRenderer().renderInline(source));
}

// Tags that separate words when their markup is removed ("<p>a</p><p>b</p>" is "a b", not "ab").
// prettier-ignore
const BREAKING_TAGS = new Set([
  "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
  "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
  "section", "table", "td", "th", "tr", "ul",
]);

/** The visible text of HTML: tags, comments, scripts and styles dropped, `<img>` replaced by its alt text, entities decoded. */
export function htmlToText(html: string, dropped?: ReadonlySet<string>): string {
  if (dropped) return visibleText(html, " ", dropped).replace(/\s+/g, " ").trim();
  return remembered(TEXTS, html, () => visibleText(html, " ").replace(/\s+/g, " ").trim());
}

/**
 * The visible text of HTML with its lines, as Publ's `markup=False` gives an entry's text: each block and each
 * line break of the source starts a line; spaces within a line are collapsed, and no line is blank.
 */
export function htmlToLines(html: string): string {
  return remembered(LINES, html, () =>
    visibleText(html, "\n")
      .replace(/[^\S\n]+/g, " ")
      .replace(/ *\n */g, "\n")
      .replace(/\n{2,}/g, "\n")
      .trim(),
  );
}

// Pages ask for the same entries' text as plain text on every render (descriptions, cards, feeds): the HTML is
// the same string each time (rendered text is memoised), so its plain text is kept too, for a bounded number.
const TEXTS = new Map<string, string>();
const LINES = new Map<string, string>();
const MAX_REMEMBERED = 2_000;
const MAX_REMEMBERED_LENGTH = 100_000;

function remembered(memo: Map<string, string>, html: string, make: () => string): string {
  if (html.length > MAX_REMEMBERED_LENGTH) return make();
  let text = memo.get(html);
  if (text === undefined) {
    text = make();
    if (memo.size >= MAX_REMEMBERED) memo.clear();
    memo.set(html, text);
  }
  return text;
}

function visibleText(html: string, blockBreak: string, dropped?: ReadonlySet<string>): string {
  let out = "";
  // Inside a dropped element (e.g. struck-out text in a title) nothing is kept.
  let depth = 0;
  scanHtml(html, (piece) => {
    if (dropped && piece.type === "tag" && dropped.has(piece.name!)) {
      depth = Math.max(0, depth + (piece.closing ? -1 : 1));
      return;
    }
    if (depth > 0) return;
    const raw = html.slice(piece.start, piece.end);
    if (piece.type === "text") out += decodeEntities(raw);
    else if (piece.type === "rawtext" && piece.name !== "script" && piece.name !== "style") out += raw;
    else if (piece.type === "tag" && piece.name === "img" && !piece.closing) {
      const alt = piece.attrs?.find((a) => a.name === "alt")?.value;
      if (alt) out += decodeEntities(alt);
    } else if (piece.type === "tag" && BREAKING_TAGS.has(piece.name!)) out += blockBreak;
  });
  return out;
}
