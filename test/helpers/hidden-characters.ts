/**
 * Characters names and reasons refuse (PRODUCT §1), one or more from each class the rule names, with
 * the words their refusal uses. The first rows are those a hostile user got past a fixed list.
 */
export const HIDDEN_SAMPLES = [
  ["U+E0001 language tag (Cf)", "\u{E0001}", "invisible characters"],
  ["U+E0041 tag latin capital A (Cf)", "\u{E0041}", "invisible characters"],
  ["U+E007F cancel tag (Cf)", "\u{E007F}", "invisible characters"],
  ["U+206A inhibit symmetric swapping (Cf)", "\u206a", "invisible characters"],
  ["U+206F nominal digit shapes (Cf)", "\u206f", "invisible characters"],
  ["U+FFF9 interlinear annotation anchor (Cf)", "\ufff9", "invisible characters"],
  ["U+FFFB interlinear annotation terminator (Cf)", "\ufffb", "invisible characters"],
  ["U+1D173 musical symbol begin beam (Cf)", "\u{1D173}", "invisible characters"],
  ["U+17B4 Khmer vowel inherent AQ (Mn, default-ignorable)", "\u17b4", "invisible characters"],
  ["U+200B zero-width space (Cf)", "\u200b", "invisible characters"],
  ["U+202E right-to-left override (Cf)", "\u202e", "invisible characters"],
  ["U+2028 line separator (Zl)", "\u2028", "control characters or line breaks"],
  ["U+2029 paragraph separator (Zp)", "\u2029", "control characters or line breaks"],
  ["U+E000 private use (Co)", "\ue000", "private-use or unassigned characters"],
  ["U+F0000 supplementary private use (Co)", "\u{F0000}", "private-use or unassigned characters"],
  ["U+0378 unassigned (Cn)", "\u0378", "private-use or unassigned characters"],
  ["U+FFFF noncharacter (Cn)", "\uffff", "private-use or unassigned characters"],
  ["a lone surrogate U+D800 (Cs)", "\ud800", "broken text"],
  ["a lone surrogate U+DC00 (Cs)", "\udc00", "broken text"],
  ["NUL (Cc)", "\u0000", "control characters or line breaks"],
  ["U+0007 bell (Cc)", "\u0007", "control characters or line breaks"],
  ["U+0085 next line (Cc)", "\u0085", "control characters or line breaks"],
  ["U+3164 Hangul filler (Lo, default-ignorable)", "\u3164", "invisible characters"],
  ["U+FE0F variation selector alone, after a letter", "\ufe0f", "invisible characters"],
  ["U+200D zero-width joiner between letters", "\u200d", "invisible characters"],
] as const;

/**
 * Names with every kind of visible text that must keep working: accents, other scripts, emoji,
 * including the sequences that need U+200D or U+FE0F between their pictures.
 */
export const VISIBLE_NAMES = [
  "Zoë Ångström",
  "José-Luis O'Neil",
  "محمد علي",
  "김민준",
  "李小龍",
  "Dr. Li (李)",
  "Ana 👩‍💻",
  "Dev 👩🏽‍💻",
  "Sam ❤️‍🔥",
  "Family 👨‍👩‍👧‍👦",
  "Pride 🏳️‍🌈",
  "Pilot ✈️",
  "Team 1️⃣",
  "Fan 🇫🇷",
] as const;
