// Unknown image arguments: ignored when rendering (as Publ ignores them), named by `quire check`.
import { describe, it, expect, afterAll } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { checkCommand } from "../../src/cli/index-command.js";
import { unknownImageArgs } from "../../src/image/arg-warnings.js";
import type { Output } from "../../src/cli/output.js";

describe("unknown image arguments", () => {
  it("are found with their line, in alt text and image specs, but not in code", () => {
    const text = [
      "Title: Gallery",
      "",
      '![such gallery{255,gallery_id="rawry",index_crop=True}](a.jpg | b.jpg{fullscreen_width=50} "B")',
      "`![x](c.jpg{shown_as_code=1})`",
      "```",
      "![x](d.jpg{in_a_fence=1})",
      "```",
      "![x](e.jpg{width=10})",
    ].join("\n");
    expect(unknownImageArgs(text)).toEqual([
      { line: 3, key: "index_crop" },
      { line: 3, key: "fullscreen_width" },
    ]);
  });

  const root = makeSite({
    "content/blog/photos.md":
      'Title: Photos\nEntry-ID: 1\nUUID: 7f0b8a44-0c4a-4a8e-9f55-8f3c9c6f6a01\nDate: 2024-01-01\n\nText.\n\n![{320,index_img_class="x"}](a.jpg)\n',
  });
  afterAll(() => removeSite(root));

  it("are warnings from quire check, naming file, line and argument, and do not fail it", async () => {
    const lines: string[] = [];
    const errs: string[] = [];
    const out: Output = {
      line: (s: string) => lines.push(s),
      err: (s: string) => errs.push(s),
      json: (v: unknown) => lines.push(JSON.stringify(v)),
    };
    const code = await checkCommand(["--site", root], out);
    expect(errs).toContain(
      'warning: content/blog/photos.md:8: image argument "index_img_class" is not one Quire knows; it is ignored (E_IMAGE_SPEC)',
    );
    expect(code).toBe(0);
  });
});
