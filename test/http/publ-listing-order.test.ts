// The order Publ lists things in. Entries written in different zones: listings, neighbours and paging follow the
// wall-clock time each date was written with (Publ's local_date), and modification times keep their written zone.
// A category's tags: by key.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { makeSite, removeSite } from "../helpers/site-fixture.js";
import { serveSite, type TestServer } from "../helpers/http.js";

const post = (id: number, title: string, date: string, extra = "") =>
  `Title: ${title}\nEntry-ID: ${id}\nDate: ${date}\n${extra}\nText of ${title}.\n`;

let root: string;
let t: TestServer;

beforeAll(async () => {
  root = makeSite({
    "quire.toml": '[site]\ntitle = "Zones"\ntimezone = "US/Pacific"\n',
    // Wall-clock order (newest first): Sydney 23:00, naive 22:00, Pacific 21:00. In UTC it is the reverse.
    "content/zones/sydney.md": post(1, "Sydney", "2012-01-06 23:00:00+10:00", "Tag: Zebra\nTag: mango\n"),
    "content/zones/naive.md": post(2, "Naive", "2012-01-06 22:00"),
    "content/zones/pacific.md": post(3, "Pacific", "2012-01-06 21:00:00-08:00", "Tag: apple\nTag: Mango\n"),
    "content/zones/edited.md": post(
      4,
      "Edited",
      "2012-01-01 09:00:00-05:00",
      "Last-Modified: 2012-01-02 10:00:00+05:30\n",
    ),
    "templates/zones/index.html":
      "[list={% for e in view.entries %}{{ e.title }} {% endfor %}]\n" +
      "[paged={% for e in view(count=2).entries %}{{ e.title }} {% endfor %}|{% for e in view(count=2).next.entries %}{{ e.title }} {% endfor %}]\n" +
      "[oldest={% for e in view(order='oldest').entries %}{{ e.title }} {% endfor %}]\n" +
      "[updated={{ view.last_modified.isoformat() }}]\n" +
      "[tags={% for name, count in category.tags %}{{ name }}:{{ count }} {% endfor %}]\n",
    "templates/zones/entry.html":
      "[prev={{ entry.previous.title }}|next={{ entry.next.title }}]\n" +
      "[modified={{ entry.last_modified.isoformat() }}|{{ entry.last_modified.format('h:mm A') }}]\n",
  });
  t = await serveSite(root, { env: { QUIRE_SECRET: "s", QUIRE_BASE_URL: "https://quire.test" } });
});
afterAll(async () => {
  await t.stop();
  removeSite(root);
});

const part = async (path: string, name: string): Promise<string> => {
  const res = await t.get(path);
  const body = await res.text();
  expect(res.status, body).toBe(200);
  const m = new RegExp(`\\[${name}=([\\s\\S]*?)\\]\\n`).exec(body);
  if (!m) throw new Error(`no [${name}=…] in ${body}`);
  return m[1]!;
};

describe("entries written in different zones", () => {
  it("are listed by the wall-clock time they were written with, newest or oldest first, across pages", async () => {
    expect(await part("/zones/", "list")).toBe("Sydney Naive Pacific Edited ");
    expect(await part("/zones/", "oldest")).toBe("Edited Pacific Naive Sydney ");
    expect(await part("/zones/", "paged")).toBe("Sydney Naive |Pacific Edited ");
  });

  it("have their previous and next entries in that order", async () => {
    expect(await part("/zones/2-Naive", "prev")).toBe("Pacific|next=Sydney");
    expect(await part("/zones/1-Sydney", "prev")).toBe("Naive|next=");
  });

  it("show their modification time in the zone it was written in, or their date's", async () => {
    expect(await part("/zones/4-Edited", "modified")).toBe("2012-01-02T10:00:00+05:30|10:00 AM");
    expect(await part("/zones/1-Sydney", "modified")).toBe("2012-01-06T23:00:00+10:00|11:00 PM");
    expect(await part("/zones/", "updated")).toBe("2012-01-06T22:00:00-08:00");
  });
});

describe("a category's tags", () => {
  it("are listed by key, as Publ's query groups them, under the first spelling met", async () => {
    expect(await part("/zones/", "tags")).toBe("apple:1 mango:2 Zebra:1 ");
  });
});
