// Titles: inline Markdown with raw HTML escaped, and their plain text for slugs and <title>.
import { describe, expect, it } from "vitest";
import { htmlToText, plainText, renderTitle } from "../../src/markdown/index.js";
import { titleSlugText } from "../../src/markdown/plain-text.js";

describe("renderTitle", () => {
  it("renders emphasis, code and smart punctuation inline, without a paragraph", () => {
    expect(renderTitle(`"Hello" -- it's *finally* \`here\``)).toBe(
      "“Hello” – it’s <em>finally</em> <code>here</code>",
    );
  });

  it("shows raw HTML as text rather than running it", () => {
    expect(renderTitle(`Hi <script>alert("x")</script> <b>there</b>`)).toBe(
      "Hi &lt;script&gt;alert(“x”)&lt;/script&gt; &lt;b&gt;there&lt;/b&gt;",
    );
  });

  it("gives slugs the words Publ gives them: tags dropped, struck-out words left out", () => {
    expect(titleSlugText("A ~~serious~~ comical mistake <s>is joke</s>")).toBe("A comical mistake");
    expect(titleSlugText("I cannot <em>emphasize</em> how")).toBe("I cannot emphasize how");
  });

  it("does not make links, since a title is usually shown inside one", () => {
    expect(renderTitle("[Docs](https://example.com) and <https://example.com>")).toBe(
      "[Docs](https://example.com) and &lt;https://example.com&gt;",
    );
  });
});

describe("plainText", () => {
  it("drops Markdown markup and keeps smart punctuation", () => {
    expect(plainText(`*Don't* panic -- **ever** [read](x) \`this\``)).toBe("Don’t panic – ever read this");
  });

  it("drops HTML tags and script content and decodes entities", () => {
    expect(plainText(`Fish &amp; <em>chips</em> <script>alert(1)</script>&eacute;t&#233;`)).toBe(
      "Fish & chips été",
    );
  });

  it("separates words across block tags and collapses whitespace", () => {
    expect(htmlToText("<p>One</p><p>two\n  three</p><ul><li>four</li></ul>")).toBe("One two three four");
  });

  it("uses an image's alt text", () => {
    expect(htmlToText(`<p>A <img src="x.png" alt="red &amp; blue"> flag</p>`)).toBe("A red & blue flag");
  });
});
