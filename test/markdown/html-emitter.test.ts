// Code blocks are highlighted with Quire's emitter, which writes HTML as highlight.js finds tokens. Whatever
// the language and the code, the HTML must be byte for byte what highlight.js's own emitter writes.
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { HLJSApi, LanguageFn } from "highlight.js";
import { describe, expect, it, vi } from "vitest";
import { HtmlEmitter } from "../../src/markdown/html-emitter.js";
import { renderCode } from "../../src/markdown/index.js";

const require = createRequire(import.meta.url);
const core = require("highlight.js/lib/core") as HLJSApi;
const languagesDir = join(dirname(require.resolve("highlight.js/lib/core")), "languages");
const languages = readdirSync(languagesDir)
  .filter((f) => f.endsWith(".js") && !f.endsWith(".js.js"))
  .map((f) => f.slice(0, -3));

/** A highlighter with every language, writing HTML with `emitter` (highlight.js's own when undefined). */
function highlighter(emitter?: typeof HtmlEmitter): HLJSApi {
  const hljs = core.newInstance();
  for (const name of languages) hljs.registerLanguage(name, require(join(languagesDir, name)) as LanguageFn);
  if (emitter) hljs.configure({ __emitter: emitter });
  return hljs;
}

// Code in many languages at once, so that every grammar meets strings, comments, numbers, keywords, nested
// scopes, unclosed constructs and text it may treat as another language (HTML with script and style, templates).
const samples = [
  `export function f(items) {\n  const seen = new Map(); // count\n  return [...seen].filter(([, n]) => n > 1 && "a" !== 'b');\n}`,
  `def read(path, limit=3):\n    """Doc & <stuff>."""\n    with open(path) as f:\n        return [l for l in f][:limit]  # done`,
  `<!doctype html>\n<html><head><style>p { color: red; }</style><script>let x = "<b>" + 1;</script></head>\n<body class="a" onclick='go()'>Hi &amp; bye</body></html>`,
  `<?php echo "<p>" . $x; ?>\n<% if (a) { %><b><%= a %></b><% } %>\n{{#each items}}{{this}}{{/each}} {% for x in y %}{{ x|e }}{% endfor %}`,
  `SELECT id, "name" FROM t WHERE x = 'it''s' AND y > 3; -- comment\n/* block\n comment */`,
  `#!/bin/sh\nset -eu\nfor f in *.md; do echo "$f" \${HOME} | grep -c 'x' || true; done # end`,
  `fn main() -> Option<u32> { let v: Vec<u32> = vec![1, 2]; Some(v.iter().sum()) } /* unclosed`,
  `[section]\nkey = "value" ; note\nlist = [1, 2.5e3, true]\n# heading\n- item *em* **strong** \`code\``,
  `(define (f x) (if (> x 0) "pos" 'neg)) ; lisp\n%% erlang\nmodule Main where main = print 1 -- haskell`,
  `"unterminated string <&> \\\` ' \n{ "json": [1, null, "x"], "n": -0.5e-7 }\n@media (max-width: 1px) { .a::before { content: "\\""; } }`,
  "",
];

describe("the HTML emitter", () => {
  it(
    "writes exactly what highlight.js's own emitter writes, in every language it ships",
    { timeout: 60_000 },
    () => {
      const theirs = highlighter();
      const ours = highlighter(HtmlEmitter);
      let compared = 0;
      for (const language of theirs.listLanguages()) {
        for (const code of samples) {
          const expected = theirs.highlight(code, { language, ignoreIllegals: true }).value;
          const actual = ours.highlight(code, { language, ignoreIllegals: true }).value;
          expect(actual, `${language}: ${code.slice(0, 30)}`).toBe(expected);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(1500);
    },
  );

  it("is the one Quire's code blocks are written with", () => {
    const written = vi.spyOn(HtmlEmitter.prototype, "toHTML");
    expect(renderCode('let s = "<b>";', "js")).toBe(
      '<pre><code class="language-js hljs"><span class="hljs-keyword">let</span> s = <span class="hljs-string">&quot;&lt;b&gt;&quot;</span>;</code></pre>',
    );
    expect(written).toHaveBeenCalledTimes(1);
    written.mockRestore();
  });
});
