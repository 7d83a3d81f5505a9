import { describe, expect, it } from "vitest";
import { CoreError } from "../../src/core/errors.js";
import {
  brokenTextAt,
  nameSchema,
  parseInput,
  reasonSchema,
  rejectionReasonSchema,
  withoutHiddenCharacters,
} from "../../src/core/input.js";
import { HIDDEN_SAMPLES, VISIBLE_NAMES } from "../helpers/hidden-characters.js";
import { plainWords } from "../helpers/refusals.js";

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

/** The refusal's code, and its sentence as a reader gets it. */
const refusal = (text: string, schema: typeof nameSchema = nameSchema): { code: string; message: string } => {
  try {
    parseInput(schema, text, "name");
  } catch (error) {
    if (error instanceof CoreError) return { code: error.code, message: plainWords(error) };
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
};

const hex = (codePoint: number) => codePoint.toString(16).toUpperCase().padStart(4, "0");

describe("names refuse invisible and direction-changing characters", () => {
  it.each(INVISIBLE)("%s, inside a name or as the whole name", (_label, codePoint) => {
    const c = String.fromCodePoint(codePoint);
    expect(refusal(`Bob${c}Stone`)).toMatchObject({
      code: "INVALID_INPUT",
      message: `A name cannot contain invisible characters (format, zero-width or text-direction characters) (U+${hex(codePoint)}).`,
    });
    // Alone, it is refused too (U+FEFF is whitespace to trim(), so that name is "empty").
    expect(refusal(c).code).toBe("INVALID_INPUT");
    expect(refusal(`${c}${c}`).code).toBe("INVALID_INPUT");
  });

  it.each(VISIBLE_NAMES)("%s is a fine name", (name) => {
    expect(parseInput(nameSchema, name, "name")).toBe(name);
  });
});

/**
 * PRODUCT §1 by category, not by list: Cc, Cf, Zl, Zp, Co, Cn and lone surrogates, and what Unicode
 * draws as nothing. U+200D and U+FE0F only where an emoji sequence needs them.
 */
describe("names and reasons refuse characters by Unicode category", () => {
  const TEXTS = [
    ["a member's name", nameSchema, "A name"],
    ["a grant's reason", reasonSchema, "A reason"],
    ["a rejection's reason", rejectionReasonSchema, "A reason"],
  ] as const;

  describe.each(TEXTS)("%s", (_field, schema, subject) => {
    it.each(HIDDEN_SAMPLES)("refuses %s, naming it", (_label, c, kind) => {
      const codePoint = `U+${hex(c.codePointAt(0) ?? 0)}`;
      for (const text of [`Bob${c}Stone`, `B${c}${c}ob Stone`, `Bob ${c}`.repeat(2)]) {
        const refused = refusal(text, schema);
        expect(refused.code, JSON.stringify(text)).toBe("INVALID_INPUT");
        expect(refused.message).toContain(`${subject} cannot contain ${kind}`);
        expect(refused.message).toContain(`(${codePoint})`);
      }
    });

    it.each(VISIBLE_NAMES)("takes %s", (text) => {
      expect(parseInput(schema, text, "name")).toBe(text);
    });
  });

  it.each([
    ["a joiner at the end of an emoji", "Ana 👩\u200d"],
    ["a joiner before an emoji", "Ana \u200d💻"],
    ["two joiners between emoji", "Ana 👩\u200d\u200d💻"],
    ["a joiner between a letter and an emoji", "Ana\u200d💻"],
    ["a variation selector after a letter", "Ana\ufe0f"],
    ["two variation selectors after an emoji", "Pilot ✈\ufe0f\ufe0f"],
    ["a flag's tag sequence (tags are Cf)", "Scot 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"],
  ])("the emoji exception is no loophole: %s is refused", (_label, text) => {
    expect(refusal(text).code).toBe("INVALID_INPUT");
  });

  it("a Slack workspace name loses exactly the characters a name refuses", () => {
    expect(withoutHiddenCharacters("Ac\u{E0041}me\u200b 👩‍💻 \u17b4Labs\u2028")).toBe("Acme 👩‍💻 Labs");
  });
});

describe("broken text (NUL, lone surrogates) is found wherever a body holds it", () => {
  it.each([
    [{ email: "a@b.c\u0000", permission: "billing" }, "email"],
    [{ checks: [{ email: "ok@b.c" }, { email: "\ud800@b.c" }] }, "checks[1].email"],
    [{ "key\u0000": 1 }, "key\u0000"],
    [["fine", ["deeper", "\udfff"]], "[1][1]"],
    ["\u0000", ""],
  ])("%j → %s", (body, path) => {
    expect(brokenTextAt(body)).toBe(path);
  });

  it("finds none in ordinary text, emoji (surrogate pairs) included", () => {
    expect(brokenTextAt({ email: "a@b.c", name: "Ana 👩‍💻", n: 1, list: [null, true, "李"] })).toBeNull();
  });

  it("walks a body nested deeper than the stack would allow", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(brokenTextAt(deep)).toBe("[0]".repeat(100_000));
  });
});
