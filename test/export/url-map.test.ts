/** The static URL scheme: view query strings become folders, and every page gets a file a static host serves. */
import { describe, expect, it } from "vitest";
import { mapViewUrl, pageFiles, redirectFile, tagSegment, viewStaticPath } from "../../src/export/url-map.js";

describe("view pages map to folders", () => {
  it("maps anchored, dated and tagged pages under their category", () => {
    expect(mapViewUrl("/blog/", new URLSearchParams("id=123"))).toEqual({
      path: "/blog/id/123/",
      search: "",
    });
    expect(mapViewUrl("/", new URLSearchParams("date=2024-03"))?.path).toBe("/date/2024-03/");
    expect(mapViewUrl("/blog/", new URLSearchParams("tag=Travel"))?.path).toBe("/blog/tag/travel/");
    expect(mapViewUrl("/blog/", new URLSearchParams("tag=Travel&id=9"))?.path).toBe("/blog/tag/travel/id/9/");
  });

  it("maps a category's named template under its own name", () => {
    expect(mapViewUrl("/archive", new URLSearchParams("date=2024"))?.path).toBe("/archive/date/2024/");
  });

  it("gives equal views one folder: tag case, tag order and date spelling do not matter", () => {
    const a = mapViewUrl("/", new URLSearchParams("tag=Photos&tag=travel"))?.path;
    const b = mapViewUrl("/", new URLSearchParams("tag=TRAVEL&tag=photos"))?.path;
    expect(a).toBe("/tag/photos,travel/");
    expect(b).toBe(a);
    expect(mapViewUrl("/", new URLSearchParams("date=2024-3"))?.path).toBe(
      viewStaticPath("/", { tag: [], date: "2024-03", id: null }),
    );
  });

  it("lets a date win over an anchor, as the server does", () => {
    expect(mapViewUrl("/", new URLSearchParams("id=5&date=2024"))?.path).toBe("/date/2024/");
  });

  it("keeps other query parameters and leaves invalid or absent view parameters alone", () => {
    expect(mapViewUrl("/", new URLSearchParams("id=5&utm_source=x"))).toEqual({
      path: "/id/5/",
      search: "?utm_source=x",
    });
    expect(mapViewUrl("/", new URLSearchParams("date=someday"))).toBeNull();
    expect(mapViewUrl("/", new URLSearchParams("q=1"))).toBeNull();
  });

  it("uses a tag's key as its folder when that is a safe file name, and a slug with a hash otherwise", () => {
    expect(tagSegment("Getting started")).toBe("getting-started");
    expect(tagSegment("Café")).toBe("café");
    // Keys are Publ's: punctuation is already a -, so "C++/CLI" is the tag "c-cli".
    expect(tagSegment("C++/CLI")).toBe("c-cli");
    const odd = tagSegment("♥ love");
    expect(odd).toMatch(/^love-[0-9a-f]{8}$/);
    expect(tagSegment("♥ LOVE")).toBe(odd);
    expect(tagSegment("a,b")).not.toBe(tagSegment("a") + "," + tagSegment("b"));
    expect(tagSegment("..")).toMatch(/-[0-9a-f]{8}$/);
  });
});

describe("page files", () => {
  it("writes HTML pages as index.html in a folder of their own", () => {
    expect(pageFiles("/", "text/html; charset=utf-8")?.files).toEqual(["index.html"]);
    expect(pageFiles("/blog/", "text/html")?.files).toEqual(["blog/index.html"]);
    expect(pageFiles("/blog/123-a-post", "text/html")?.files).toEqual(["blog/123-a-post/index.html"]);
    expect(pageFiles("/old/page.html", "text/html")?.files).toEqual(["old/page.html"]);
  });

  it("keeps a name that carries its type, and writes an extensionless feed twice", () => {
    expect(pageFiles("/sitemap.xml", "application/xml; charset=utf-8")).toEqual({
      files: ["sitemap.xml"],
      untyped: null,
    });
    expect(pageFiles("/feed", "application/atom+xml; charset=utf-8")).toEqual({
      files: ["feed", "feed.xml"],
      untyped: "feed",
    });
  });

  it("decodes URL escapes into file names and refuses names that could leave the folder", () => {
    expect(pageFiles("/tag/getting%20started/", "text/html")?.files).toEqual([
      "tag/getting started/index.html",
    ]);
    expect(pageFiles("/a/%2E%2E/b", "text/html")).toBeNull();
    expect(pageFiles("/a%2Fb", "text/html")).toBeNull();
    expect(pageFiles("/%E0%A4%A", "text/html")).toBeNull();
  });

  it("puts redirect pages where the old URL is served", () => {
    expect(redirectFile("/welcome")).toBe("welcome/index.html");
    expect(redirectFile("/old/post.html")).toBe("old/post.html");
    expect(redirectFile("/")).toBeNull();
  });
});
