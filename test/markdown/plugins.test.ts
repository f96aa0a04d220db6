// The seam for Publ's image syntax: a plugin adds its own inline rule before `image` and renders with the RenderContext.
import type MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { createMarkdown, renderMarkdown, type MarkdownEnv } from "../../src/markdown/index.js";
import { fakeSite } from "./fake-site.js";

/** A toy version of the image plugin: `![alt](file{320})` → a tagged <img> with a width. */
function sizedImages(md: MarkdownIt): void {
  md.inline.ruler.before("image", "sized_image", (state, silent) => {
    const m = /^!\[([^\]]*)\]\(([^){}]+)\{(\d+)\}\)/.exec(state.src.slice(state.pos));
    if (!m) return false;
    if (!silent) {
      const token = state.push("sized_image", "img", 0);
      token.meta = { alt: m[1], path: m[2], width: m[3] };
    }
    state.pos += m[0].length;
    return true;
  });
  md.renderer.rules.sized_image = (tokens, idx, _options, env: MarkdownEnv) => {
    const { alt, path, width } = tokens[idx]!.meta as Record<string, string>;
    const src = env.quire?.resolveLink?.(path!, "image") ?? path;
    return `<img class="sized" src="${src}" width="${width}" alt="${md.utils.escapeHtml(alt!)}">`;
  };
}

describe("plugins", () => {
  const md = createMarkdown({ plugins: [sizedImages] });

  it("can take over image syntax with a rule before 'image' and reach the context through env.quire", () => {
    const site = fakeSite();
    const r = renderMarkdown(
      md,
      { body: "![Cat](@cat.jpg{320}) and ![plain](@dog.jpg)", more: null },
      {
        resolveLink: site.resolve,
      },
    );
    expect(r.body).toBe(
      '<p><img class="sized" src="/static/cat.jpg" width="320" alt="Cat"> and ' +
        '<img src="/static/dog.jpg" alt="plain"></p>\n',
    );
  });

  it("has its output made absolute in feeds without knowing about them", () => {
    const r = renderMarkdown(
      md,
      { body: "![Cat](@cat.jpg{320})", more: null },
      {
        resolveLink: fakeSite().resolve,
        absolute: true,
        baseUrl: "https://blog.example/",
      },
    );
    expect(r.body).toBe(
      '<p><img class="sized" src="https://blog.example/static/cat.jpg" width="320" alt="Cat"></p>\n',
    );
  });

  it("passes the caller's own context object as env.quire, in the body and in the Summary header", () => {
    const seen: unknown[] = [];
    const spy = createMarkdown({
      plugins: [
        (m) => {
          m.renderer.rules.em_open = (_t, _i, _o, env: MarkdownEnv) => {
            seen.push(env.quire);
            return "<em>";
          };
        },
      ],
    });
    class SiteContext {
      resolveLink(): null {
        return null;
      }
    }
    const ctx = new SiteContext();
    renderMarkdown(spy, { body: "*a*", more: "*b*", summary: "*c*" }, ctx);
    expect(seen).toEqual([ctx, ctx, ctx]);
    expect(seen.every((s) => s === ctx)).toBe(true);
  });
});
