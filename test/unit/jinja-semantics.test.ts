/** Jinja2 behaviour beyond the kit's probes, each as Jinja 3 prints it: scoping, loops, inheritance, operators, filters. */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TemplateEngine } from "../../src/template/engine.js";

const dir = mkdtempSync(join(tmpdir(), "quire-jinja-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function render(
  source: string,
  context: Record<string, unknown> = {},
  files: Record<string, string> = {},
): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const name = `t${n++}.html`;
  writeFileSync(join(dir, name), source);
  const engine = new TemplateEngine({ templatesDir: dir });
  return engine.render(engine.find(name, "")!, context);
}

describe("Jinja2 semantics", () => {
  it("autoescapes .html, .htm, .xml templates only, as Flask does: a .txt template prints values as they are", () => {
    const value = { v: `<b>Let's</b> & go` };
    writeFileSync(join(dir, "plain.txt"), "{{ v }}|{{ v|e }}");
    writeFileSync(join(dir, "feed.xml"), "{{ v }}");
    const engine = new TemplateEngine({ templatesDir: dir });
    expect(engine.render(engine.find("plain.txt", "")!, value)).toBe(
      "<b>Let's</b> & go|&lt;b&gt;Let&#39;s&lt;/b&gt; &amp; go",
    );
    expect(engine.render(engine.find("feed.xml", "")!, value)).toBe("&lt;b&gt;Let&#39;s&lt;/b&gt; &amp; go");
    // An .html template including a .txt one: each is escaped as its own name says.
    expect(render("{{ v }}/{% include 'plain.txt' %}", value)).toBe(
      "&lt;b&gt;Let&#39;s&lt;/b&gt; &amp; go/<b>Let's</b> & go|&lt;b&gt;Let&#39;s&lt;/b&gt; &amp; go",
    );
  });

  it("imports a macro module once per template version: each import gets its own module object, and a changed file is read again", () => {
    writeFileSync(join(dir, "mods.html"), "{% macro hi(x) %}hi {{ x }}{% endmacro %}");
    writeFileSync(
      join(dir, "uses-mods.html"),
      "{% import 'mods.html' as a %}{% import 'mods.html' as b %}{% set a.extra = 1 %}" +
        "{{ a.hi(1) }}|{{ b.hi(2) }}|{{ a.extra }}|{{ b.extra is defined }}",
    );
    const engine = new TemplateEngine({ templatesDir: dir });
    const page = () => engine.render(engine.find("uses-mods.html", "")!, {});
    expect(page()).toBe("hi 1|hi 2|1|False");
    // A second render does not see what the first set on its module.
    expect(page()).toBe("hi 1|hi 2|1|False");
    writeFileSync(join(dir, "mods.html"), "{% macro hi(x) %}hello {{ x }}{% endmacro %}");
    engine.invalidate();
    expect(page()).toBe("hello 1|hello 2|1|False");
  });

  it("keeps a name set inside a loop inside that loop, and starts each pass afresh", () => {
    expect(
      render("{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = i * 10 %}{{ x }};{% endfor %}{{ x }}"),
    ).toBe("110;120;1");
    expect(
      render(
        "{% set ns = namespace(n=0) %}{% for i in [1,2,3] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}",
      ),
    ).toBe("6");
  });

  it("walks nested data with a recursive loop and knows its depth", () => {
    const cats = [{ name: "A", kids: [{ name: "B", kids: [{ name: "C" }] }] }, { name: "D" }];
    expect(
      render(
        "{% for c in cats recursive %}{{ c.name }}{{ loop.depth }}{% if c.kids %}({{ loop(c.kids) }}){% endif %}{% endfor %}",
        {
          cats,
        },
      ),
    ).toBe("A1(B2(C3))D1");
  });

  it("lets a child template's block see the loop variable of a scoped block, call super() and self", () => {
    const out = render(
      '{% extends "base.html" %}{% block item %}<{{ x }}:{{ loop.index }}>{{ super() }}{% endblock %}{% block foot %}G{% endblock %}',
      {},
      {
        "base.html":
          "{% for x in 'ab' %}{% block item scoped %}[{{ x }}]{% endblock %}{% endfor %}|{% block foot %}F{% endblock %}|{{ self.foot() }}",
      },
    );
    expect(out).toBe("<a:1>[a]<b:2>[b]|G|G");
  });

  it("returns an operand from `and`/`or`, by Python truthiness", () => {
    expect(
      render("{{ [] or 'x' }}|{{ 'a' and 'b' }}|{{ 0 and 1 }}|{{ {} or none }}|{% if not '' %}T{% endif %}"),
    ).toBe("x|b|0|None|T");
  });

  it("formats with % and .format, indexes from the end, and slices with a step", () => {
    expect(render("{{ '%5.1f|%-4s|%03d|%x' % (3.14159, 'ab', 7, 255) }}")).toBe("  3.1|ab  |007|ff");
    expect(render("{{ '%(a)s-%(b)s' % {'a': 1, 'b': none} }}")).toBe("1-None");
    expect(render("{{ '{:>5}|{:.2f}|{name}|{0}'.format('a', 2.5, name='n') }}")).toBe("    a|2.50|n|a");
    expect(render("{{ [1,2,3][-1] }}{{ 'abcde'[::-2] }}{{ 'abc'[5:] }}")).toBe("3eca");
    expect(
      render(
        "{{ -7 % 3 }} {{ -7 // 2 }} {{ [1] + [2] }} {{ 'ab' * 2 }} {{ 1 == '1' }} {{ [1, [2]] == [1, [2]] }}",
      ),
    ).toBe("2 -4 [1, 2] abab False True");
  });

  it("escapes what it prints, except Markup; `~` with Markup escapes the other side", () => {
    expect(render("{{ '<b>' }}|{{ '<b>'|safe ~ '<i>' }}|{{ ['<a>'] }}")).toBe(
      "&lt;b&gt;|<b>&lt;i&gt;|[&#39;&lt;a&gt;&#39;]",
    );
  });

  it("has Jinja's int, float, tojson, unique, sort, map and groupby-free friends", () => {
    expect(
      render(
        "{{ '12abc'|int }} {{ '0x1A'|int(base=16) }} {{ '3.7'|int }} {{ 'x'|float(1.5) }} {{ '1e3'|float }}",
      ),
    ).toBe("0 26 3 1.5 1000");
    expect(render("{{ {'b': 1, 'a': '<'}|tojson }}")).toBe('{"a": "\\u003c", "b": 1}');
    expect(
      render(
        "{{ ['a', 'A', 'b']|unique|join }} {{ ['b', 'A', 'c']|sort|join }} {{ ['b', 'A']|sort(case_sensitive=true)|join }}",
      ),
    ).toBe("ab Abc Ab");
    // Python's sort is stable in both directions: equal keys keep their order when reversed too.
    expect(
      render(
        "{% for n, c in pairs|sort(attribute='1', reverse=True) %}{{ n }}{% endfor %} {% for k, v in {'b': 1, 'a': 1, 'c': 2}|dictsort(by='value', reverse=true) %}{{ k }}{% endfor %}",
        {
          pairs: [
            ["foo", 1],
            ["hello", 2],
            ["meow", 2],
            ["moo", 1],
          ],
        },
      ),
    ).toBe("hellomeowfoomoo cba");
    expect(
      render("{{ ['a', 'b']|map('upper')|join(',') }} {{ [1, 2, 3, 4]|select('divisibleby', 2)|list }}"),
    ).toBe("A,B [2, 4]");
    expect(
      render("{{ 1234567|filesizeformat }} {{ 1024|filesizeformat(true) }} {{ 1|filesizeformat }}"),
    ).toBe("1.2 MB 1.0 KiB 1 Byte");
  });

  it("takes a test's argument without parentheses, and `is not`", () => {
    expect(
      render(
        "{{ 9 is divisibleby 3 }}{{ 2 is not odd }}{{ 'a' is in 'cat' }}{{ none is sameas none }}{{ x is not defined }}",
      ),
    ).toBe("TrueTrueTrueTrueTrue");
  });

  it("unpacks into several names, and fails on the wrong count as Jinja does", () => {
    expect(
      render("{% set a, b = 'xy' %}{{ b }}{{ a }}{% with p, q = [1, 2] %}{{ q }}{{ p }}{% endwith %}"),
    ).toBe("yx21");
    expect(() => render("{% set a, b = [1, 2, 3] %}")).toThrow(/too many values to unpack/);
  });

  it("Publ's strip_html (plain text, so escaped when printed, as in Publ) and first_paragraph", () => {
    expect(render("{{ '<p>One &amp; <em>two</em></p><p>three</p>'|strip_html }}")).toBe("One &amp; twothree");
    expect(
      render("{{ html|strip_html(allowed_tags=['em'], remove_elements='script')|safe }}", {
        html: "<p>a <em class='x'>b</em><script>bad()</script></p>",
      }),
    ).toBe("a <em>b</em>");
    expect(
      render("{{ html|first_paragraph }}", { html: "<p></p><p>First <b>bold</b></p><p>Second</p>" }),
    ).toBe("<p>First <b>bold</b></p>");
  });
});
