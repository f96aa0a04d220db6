// Fenced code: highlighted on the server with CSS classes, Publ's caption line.
import { describe, expect, it } from "vitest";
import { createMarkdown, renderMarkdown } from "../../src/markdown/index.js";

const md = createMarkdown();
const body = (src: string): string =>
  renderMarkdown(md, { body: src, more: null }, { resolveLink: (h) => (h === "7" ? "/blog/7-x" : null) })
    .body;

describe("fenced code", () => {
  it("highlights a known language with class spans only", () => {
    const html = body('```js\nconst greeting = "hi"; // say it\n```');
    expect(html).toBe(
      '<pre><code class="language-js hljs"><span class="hljs-keyword">const</span> greeting = ' +
        '<span class="hljs-string">&quot;hi&quot;</span>; <span class="hljs-comment">// say it</span>\n' +
        "</code></pre>\n",
    );
  });

  it("never emits inline styles, whatever the language", () => {
    const html = body('```css\nbody { color: red; }\n```\n\n```html\n<p style="x">hi</p>\n```');
    expect(html).toContain('class="language-css hljs"');
    expect(html).toContain('class="language-html hljs"');
    expect(html).not.toMatch(/<[^>]+\sstyle=/);
  });

  it("escapes an unknown language plainly and keeps its name as a class", () => {
    expect(body('```klingon\n<qapla\'> & "more"\n```')).toBe(
      '<pre><code class="language-klingon">&lt;qapla\'&gt; &amp; &quot;more&quot;\n</code></pre>\n',
    );
  });

  it("escapes a block without a language and does not guess one", () => {
    expect(body("```\nif (a < b) {}\n```")).toBe("<pre><code>if (a &lt; b) {}\n</code></pre>\n");
  });

  it("ignores Publ's {…} arguments after the language", () => {
    expect(body("```python{code_number_links=False}\npass\n```")).toContain(
      '<code class="language-python hljs"><span class="hljs-keyword">pass</span>',
    );
  });
});

describe("Publ's code caption line", () => {
  it("turns a first line starting with ! into a figure caption, rendered as Markdown", () => {
    expect(body('```sh\n!Install it with *one* command -- see [the entry](7)\nnpm i "quire"\n```')).toBe(
      '<figure class="blockcode"><figcaption>Install it with <em>one</em> command &ndash; see ' +
        '<a href="/blog/7-x">the entry</a></figcaption>' +
        '<pre><code class="language-sh hljs">npm i <span class="hljs-string">&quot;quire&quot;</span>\n' +
        "</code></pre></figure>\n",
    );
  });

  it("captions a block with no language too", () => {
    expect(body("```\n!Output\nok\n```")).toBe(
      '<figure class="blockcode"><figcaption>Output</figcaption><pre><code>ok\n</code></pre></figure>\n',
    );
  });

  it("keeps a first line starting with \\! as code beginning with !", () => {
    expect(body("```\n\\!important\n```")).toBe("<pre><code>!important\n</code></pre>\n");
  });

  it("treats ! further down as code", () => {
    expect(body("```\nfirst\n!second\n```")).toBe("<pre><code>first\n!second\n</code></pre>\n");
  });
});
