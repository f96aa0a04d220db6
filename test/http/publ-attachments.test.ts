// Attachments as Publ serves them (`Attach:`, `entry.attachments`, `entry.attached`, the view filters), on the
// `attach/` folder of Publ's test site, and kept from readers the entries' Auth: rules refuse.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { makeSite, removeSite, writeFiles } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";
import { tokenCommand } from "../../src/cli/token-command.js";
import { attachRow } from "../../src/db/attachments.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/publ-attach/content");

// Each list prints entry IDs in the order the template got them.
const ENTRY_TEMPLATE = `<h1>{{entry.title}}</h1>
<p id="by-title">{% for a in entry.attachments(order='title') %}{{a.id}} {% endfor %}</p>
<p id="count">{{entry.attachments|length}}</p>
<p id="attached">{% for a in entry.attached %}{{a.id}} {% endfor %}</p>
<p id="view-attachments">{% for a in get_view(attachments=entry) %}{{a.id}} {% endfor %}</p>
<p id="view-attached">{% for a in get_view(attached=entry) %}{{a.id}} {% endfor %}</p>
<div id="body">{{entry.body}}</div>`;

const INDEX_TEMPLATE = `{% set content = view(is_attached=False) %}
<p id="listed">{% for e in content %}{{e.id}} {% endfor %}</p>
<p id="has">{% for e in content(is_attached=None, has_attachments=True) %}{{e.id}} {% endfor %}</p>
<p id="has-by-title">{% for e in content(is_attached=None, has_attachments=True, order='title') %}{{e.id}} {% endfor %}</p>
<p id="is">{% for e in content(is_attached=True) %}{{e.id}} {% endfor %}</p>
<p id="not-has">{% for e in view(has_attachments=False) %}{{e.id}} {% endfor %}</p>`;

let root: string;
let t: TestServer;
let token: string;

beforeAll(async () => {
  root = makeSite({
    "templates/entry.html": ENTRY_TEMPLATE,
    "templates/index.html": INDEX_TEMPLATE,
    "users.cfg": "[friends]\nmailto:friend@example.com\n",
    // A private entry, an attachment-only entry that exists for it, and a public entry attached to it.
    "content/priv/secret.md":
      "Title: Secret\nEntry-ID: 9001\nDate: 2024-01-01\nAuth: friends\nAttach: note.md\nAttach: open.md\n\nSECRET\n",
    "content/priv/note.md":
      "Title: Note\nEntry-ID: 9002\nDate: 2024-01-02\nStatus: ATTACHMENT\n\nNOTE-TEXT\n",
    "content/priv/open.md": "Title: Open\nEntry-ID: 9003\nDate: 2024-01-03\n\nOPEN-TEXT\n",
    "content/priv/draft.md": "Title: Draft\nEntry-ID: 9004\nDate: 2024-01-03\nStatus: DRAFT\n\nDRAFT-TEXT\n",
    "content/priv/host.md":
      "Title: Host\nEntry-ID: 9005\nDate: 2024-01-04\nAttach: draft.md\nAttach: 9003\n\nx\n",
  });
  cpSync(FIXTURE, join(root, "content"), { recursive: true });
  t = await serveSite(root);
  const lines: string[] = [];
  const out = { line: (s: string) => lines.push(s), err: () => undefined };
  const env = process.env.QUIRE_SECRET;
  process.env.QUIRE_SECRET = "test-secret";
  try {
    expect(tokenCommand(["mailto:friend@example.com", "--site", root], out as never)).toBe(0);
  } finally {
    if (env === undefined) delete process.env.QUIRE_SECRET;
    else process.env.QUIRE_SECRET = env;
  }
  token = lines[lines.length - 1]!;
});
afterAll(async () => {
  await t?.stop();
  removeSite(root);
});

/** The text of the element with this id on the page at `path` (asserting a 200). */
async function part(path: string, id: string, signedIn = false): Promise<string> {
  const res = await t.get(path, signedIn ? { headers: { Authorization: `Bearer ${token}` } } : {});
  const html = await res.text();
  expect(res.status, `${path}: ${html.slice(0, 300)}`).toBe(200);
  const m = new RegExp(`<(?:p|div) id="${id}">([\\s\\S]*?)</(?:p|div)>`).exec(html);
  expect(m, `${id} on ${path}`).not.toBeNull();
  return m![1]!.trim();
}

describe("attachments on Publ's test site", () => {
  it("lists an entry's attachments by title, by ID and by path, ATTACHMENT entries included", async () => {
    // main.md attaches `supplement 1.md`, `auth.md` (Auth: *), `status-attachment.md` and 1349.
    expect(await part("/attach/1208-Main-entry", "by-title")).toBe("1416 1349 2410");
    expect(await part("/attach/1208-Main-entry", "count")).toBe("3");
    // A view lists only listable entries (not the ATTACHMENT one), newest first, as in Publ.
    expect(await part("/attach/1208-Main-entry", "view-attachments")).toBe("1349 1416");
  });

  it("shows a signed-in reader the attachment their access allows", async () => {
    expect(await part("/attach/1208-Main-entry", "by-title", true)).toBe("1416 1349 2102 2410");
    expect(await part("/attach/1208-Main-entry", "view-attachments", true)).toBe("2102 1349 1416");
  });

  it("lists what an entry is attached to, and ignores an Attach: that names no entry", async () => {
    expect(await part("/attach/1349-Supplement-the-2nd", "attached")).toBe("1708 1208");
    expect(await part("/attach/1349-Supplement-the-2nd", "view-attached")).toBe("1708 1208");
    // cascade 3 attaches `nonexistent.md` and `cascade 1.md`; cascade 1 is attached by two entries.
    expect(await part("/attach/1823-cascading-entry-3", "by-title")).toBe("176");
    expect(await part("/attach/176-cascading-entry-1", "attached")).toBe("1823 2344");
    expect(await part("/attach/fix-582/533-Bulk-attachment-imports", "count")).toBe("10");
  });

  it("filters listings by has_attachments and is_attached, the same in any order", async () => {
    expect(await part("/attach/", "listed")).toBe("2344 1708 1208");
    expect(await part("/attach/", "has")).toBe("1823 1522 176 2344 1708 1208");
    const byTitle = (await part("/attach/", "has-by-title")).split(" ").sort();
    expect(byTitle).toEqual("1823 1522 176 2344 1708 1208".split(" ").sort());
    // 2102 is attached too, but only a signed-in reader may see it.
    expect(await part("/attach/", "is")).toBe("1823 1522 176 1349 1416");
    expect(await part("/attach/", "is", true)).toBe("2102 1823 1522 176 1349 1416");
    // Without attachments: the supplements (2410 is one too, but ATTACHMENT entries are never listed).
    expect(await part("/attach/", "not-has")).toBe("1349 1416");
  });

  it("serves a Status: ATTACHMENT entry at its URL, and keeps it out of listings", async () => {
    const res = await t.get("/attach/2410-Only-visible-in-an-attachment-context");
    expect(res.status).toBe(200);
    expect(await part("/attach/", "listed")).not.toContain("2410");
  });
});

describe("attachments and Auth:", () => {
  it("hides an attachment-only entry of a private entry from readers the entry's rule refuses", async () => {
    const res = await t.get("/priv/9002-Note");
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("NOTE-TEXT");
    expect(await part("/priv/9002-Note", "body", true)).toContain("NOTE-TEXT");
  });

  it("does not name a private entry in entry.attached to a reader who may not read it", async () => {
    expect(await part("/priv/9003-Open", "attached")).toBe("9005");
    expect(await part("/priv/9003-Open", "attached", true)).toBe("9005 9001");
  });

  it("never shows a draft attachment", async () => {
    expect(await part("/priv/9005-Host", "by-title")).toBe("9003");
    expect(await part("/priv/9005-Host", "by-title", true)).toBe("9003");
  });

  it("shows a private entry's attachments to nobody who may not read it (a stub has none)", async () => {
    const res = await t.get("/priv/9001-Secret");
    expect(res.status).toBe(401);
    expect(await part("/priv/9001-Secret", "by-title", true)).toBe("9002 9003");
  });
});

describe("reading an Attach: value", () => {
  it("names an entry by ID, by path beside the entry or from the content root", () => {
    expect(attachRow("attach/main.md", "1349")).toEqual([null, 1349]);
    expect(attachRow("attach/main.md", "supplement 1.md")).toEqual(["attach/supplement 1.md", null]);
    expect(attachRow("attach/main.md", "/blog/x.md")).toEqual(["blog/x.md", null]);
    expect(attachRow("attach/fix/a.md", "../b.md")).toEqual(["attach/b.md", null]);
    expect(attachRow("top.md", "b.md")).toEqual(["b.md", null]);
  });

  it("names nothing for an empty value or a path out of content/", () => {
    expect(attachRow("attach/main.md", "  ")).toBeNull();
    expect(attachRow("attach/main.md", "../../x.md")).toBeNull();
  });
});

it("picks up an Attach: added to a file while the site runs", async () => {
  writeFiles(root, {
    "content/priv/late.md": "Title: Late\nEntry-ID: 9006\nDate: 2024-01-05\nAttach: host.md\n\nlate\n",
  });
  await t.site.refresh();
  expect(await part("/priv/9005-Host", "attached")).toBe("9006");
});
