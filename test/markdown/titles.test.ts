// Titles: inline Markdown with inline HTML kept but sanitised, and their plain text for slugs and <title>.
import { describe, expect, it } from "vitest";
import { htmlToText, plainText, renderTitle } from "../../src/markdown/index.js";
import { titlePlainText, titleSlugText, titleText } from "../../src/markdown/plain-text.js";

describe("renderTitle", () => {
  it("renders emphasis, code and smart punctuation inline, without a paragraph", () => {
    expect(renderTitle(`"Hello" -- it's *finally* \`here\``)).toBe(
      "“Hello” – it’s <em>finally</em> <code>here</code>",
    );
  });

  it("keeps inline HTML, as Publ does, and shows any other tag as text rather than running it", () => {
    expect(renderTitle(`Hi <script>alert("x")</script> <b>there</b>`)).toBe(
      "Hi &lt;script&gt;alert(“x”)&lt;/script&gt; <b>there</b>",
    );
    // Publ's test site: entity-titles/tags.md and markdown-titles/deletions.md.
    expect(renderTitle("I cannot <em>emphasize</em> how <strong>strong</strong> this makes me feel")).toBe(
      "I cannot <em>emphasize</em> how <strong>strong</strong> this makes me feel",
    );
    expect(renderTitle("A ~~serious~~ comical mistake <s>is joke</s>")).toBe(
      "A <s>serious</s> comical mistake <s>is joke</s>",
    );
    expect(renderTitle("&lt;brackets&gt; are [fun]")).toBe("&lt;brackets&gt; are [fun]");
  });

  it("lets no title run script, load anything or restyle the page", () => {
    const hostile = [
      `<img src=x onerror="alert(1)">`,
      `<em onmouseover="alert(1)">x</em>`,
      `<span style="position:fixed;inset:0" class="k">x</span>`,
      `<a href="javascript:alert(1)">x</a>`,
      `<svg onload=alert(1)>`,
      `<iframe src="//evil.example"></iframe>`,
      `<em>unclosed`,
      `<!-- <script>alert(1)</script> -->`,
      `<<script>script>alert(1)<</script>/script>`,
    ];
    for (const title of hostile) {
      const html = renderTitle(title);
      expect(html, title).not.toMatch(/<(?:script|img|svg|iframe|a)\b|\son\w+=|style=|javascript:/i);
    }
    expect(renderTitle(`<span style="x" class="k">y</span>`)).toBe('<span class="k">y</span>');
    expect(renderTitle(`<em>unclosed`)).toBe("<em>unclosed</em>");
  });

  it("gives the title's text without its markup for <title> and cards", () => {
    expect(titleText("I cannot <em>emphasize</em> how")).toBe("I cannot emphasize how");
    expect(titleText("<script>x</script>")).toBe("<script>x</script>");
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

describe("titlePlainText", () => {
  it("leaves struck-out words out, as Publ's title(markup=False) does for <title>, feeds and cards", () => {
    // Publ's test site, markdown-titles/deletions.md: "Slug, <title>, and feed entry should just look like 'A comical mistake'".
    expect(titlePlainText("A ~~serious~~ comical mistake <s>is joke</s>")).toBe("A comical mistake");
    expect(titlePlainText("Gone <del>now</del> *here*")).toBe("Gone here");
    expect(titlePlainText(`"Quoted" <script>x</script>`)).toBe("“Quoted” <script>x</script>");
  });
});
