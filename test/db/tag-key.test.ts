// Tag keys as Publ normalises them: the key is what `?tag=` matches and what one tag's spellings share.
import { describe, it, expect } from "vitest";
import { tagKey } from "../../src/db/index.js";

describe("tag keys", () => {
  it("fold case and make punctuation and spaces one -, as Publ's do", () => {
    expect(tagKey("cats!!!")).toBe("cats");
    expect(tagKey("help wanted")).toBe("help-wanted");
    expect(tagKey("Help Wanted")).toBe(tagKey("help-wanted"));
    expect(tagKey("foo  tm")).toBe("foo-tm");
    expect(tagKey("ßlig")).toBe("sslig");
    expect(tagKey("Éclair")).toBe(tagKey("éclair"));
  });

  it("keep letters of any script and symbols such as ™ and emoji, so those tags stay apart", () => {
    expect(tagKey("foo™")).toBe("foo™");
    expect(tagKey("foo™")).not.toBe(tagKey("foo tm"));
    expect(tagKey("ねこ")).toBe("ねこ");
    expect(tagKey("💜")).toBe("💜");
  });

  it("keep a tag made only of punctuation", () => {
    expect(tagKey("!!!")).toBe("!!!");
  });
});
