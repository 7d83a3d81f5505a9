import { describe, expect, it } from "vitest";
import { CoreError } from "../../src/core/errors.js";
import { nameSchema, parseInput } from "../../src/core/input.js";

const INVISIBLE_MESSAGE =
  "A name cannot contain invisible characters (text-direction controls or zero-width characters).";

/** Every character PRODUCT §1 keeps out of names because it hides, blanks or turns text around. */
const INVISIBLE = [
  ["U+00AD soft hyphen", 0x00ad],
  ["U+034F combining grapheme joiner", 0x034f],
  ["U+061C Arabic letter mark", 0x061c],
  ["U+115F Hangul choseong filler", 0x115f],
  ["U+1160 Hangul jungseong filler", 0x1160],
  ["U+180E Mongolian vowel separator", 0x180e],
  ...[0x200b, 0x200c, 0x200d].map((c) => [`U+${c.toString(16).toUpperCase()} zero-width`, c] as const),
  ["U+200E left-to-right mark", 0x200e],
  ["U+200F right-to-left mark", 0x200f],
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e].map(
    (c) => [`U+${c.toString(16).toUpperCase()} bidi embedding/override`, c] as const,
  ),
  ["U+2060 word joiner", 0x2060],
  ...[0x2061, 0x2062, 0x2063, 0x2064].map(
    (c) => [`U+${c.toString(16).toUpperCase()} invisible operator`, c] as const,
  ),
  ...[0x2066, 0x2067, 0x2068, 0x2069].map(
    (c) => [`U+${c.toString(16).toUpperCase()} bidi isolate`, c] as const,
  ),
  ["U+3164 Hangul filler", 0x3164],
  ["U+FEFF byte-order mark", 0xfeff],
  ["U+FFA0 halfwidth Hangul filler", 0xffa0],
] as const;

const refusal = (name: string): CoreError => {
  try {
    parseInput(nameSchema, name, "name");
  } catch (error) {
    if (error instanceof CoreError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(name)} was accepted`);
};

describe("names refuse invisible and direction-changing characters", () => {
  it.each(INVISIBLE)("%s, inside a name or as the whole name", (_label, codePoint) => {
    const c = String.fromCodePoint(codePoint);
    expect(refusal(`Bob${c}Stone`)).toMatchObject({ code: "INVALID_INPUT", message: INVISIBLE_MESSAGE });
    // Alone, it is refused too (U+FEFF is whitespace to trim(), so that name is "empty").
    expect(refusal(c).code).toBe("INVALID_INPUT");
    expect(refusal(`${c}${c}`).code).toBe("INVALID_INPUT");
  });

  it.each(["Zoë Ångström", "José-Luis O'Neil", "محمد علي", "김민준", "Dr. Li (李)"])(
    "%s is a fine name",
    (name) => {
      expect(parseInput(nameSchema, name, "name")).toBe(name);
    },
  );
});
