/** `category.subcats` lists the direct subcategories by sort name; a theme asks for them on every page, so their
 *  order is kept until the index changes, and a `.cat` file that renames or re-sorts a category is seen at once. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const post = (id: number) => `Title: Post ${id}\nEntry-ID: ${id}\nDate: 2024-01-0${id}\n\nText.\n`;

let root: string;
let server: TestServer;

beforeAll(async () => {
  root = makeSite({
    "quire.toml": '[site]\ntitle = "Subcats"\nbase_url = "https://quire.test"\n',
    "templates/index.html":
      "[subcats={% for c in category.root.subcats %}{{ c.path }} {% endfor %}]" +
      "[again={% for c in category.root.subcats() %}{{ c.name }} {% endfor %}]",
    "content/apples/.cat": "Name: Apples\n",
    "content/apples/a.md": post(1),
    "content/bananas/.cat": "Name: Bananas\n",
    "content/bananas/b.md": post(2),
    "content/bananas/ripe/c.md": post(3),
  });
  server = await serveSite(root);
});

afterAll(async () => {
  await server?.stop();
  removeSite(root);
});

const listed = async () => {
  const html = await (await server.get("/")).text();
  return [/\[subcats=([^\]]*)\]/.exec(html)?.[1], /\[again=([^\]]*)\]/.exec(html)?.[1]];
};

describe("category.subcats", () => {
  it("follows a .cat file that re-sorts or renames a category", async () => {
    expect(await listed()).toEqual(["apples bananas ", "Apples Bananas "]);
    expect(await listed()).toEqual(["apples bananas ", "Apples Bananas "]);
    writeFileSync(join(root, "content/apples/.cat"), "Name: Zucchini apples\n");
    await server.site.refresh();
    expect(await listed()).toEqual(["bananas apples ", "Bananas Zucchini apples "]);
  });
});
