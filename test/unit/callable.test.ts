// Callable template values: `{{ entry.body }}` prints HTML unescaped, `{{ entry.body(absolute=true) }}` calls.
import nunjucks from "@11ty/nunjucks";
import { describe, expect, it } from "vitest";
import { callableHtml, installCallableLookup } from "../../src/template/callable.js";

installCallableLookup();
const env = new nunjucks.Environment(null, { autoescape: true });

describe("callable HTML", () => {
  const value = (html: string) =>
    callableHtml(html, (kwargs) => `${html} called with ${JSON.stringify(kwargs)}`);

  it("prints as HTML, unescaped, and can be called with keyword arguments", () => {
    const entry = { body: value("<p>Hi &amp; bye</p>") };
    expect(env.renderString("{{ entry.body }}", { entry })).toBe("<p>Hi &amp; bye</p>");
    expect(env.renderString("{{ entry.body(absolute=true) }}", { entry })).toBe(
      "&lt;p&gt;Hi &amp;amp; bye&lt;/p&gt; called with {&quot;absolute&quot;:true}",
    );
  });

  it("keeps every value its own: length, text and call", () => {
    const a = value("<b>a</b>");
    const b = value("<i>longer</i>");
    expect(env.renderString("{{ a|length }} {{ b|length }} {{ a }}{{ b }}", { a, b })).toBe(
      "8 13 <b>a</b><i>longer</i>",
    );
    expect(String(a)).toBe("<b>a</b>");
    expect(a).toBeInstanceOf(nunjucks.runtime.SafeString);
    expect(env.renderString("{{ b() | safe }} / {{ a(absolute=true) | safe }}", { a, b })).toBe(
      '<i>longer</i> called with {} / <b>a</b> called with {"absolute":true}',
    );
  });
});
