import type { ChangeResult } from "../../src/core/decide.js";
import { outcomeSentence } from "../../src/words/en/outcomes.js";
import { type Formatter, plainFormatter } from "../../src/words/format.js";

export { describeCells, FOUR_EYES_HELD, grantEnd } from "../../src/words/en/outcomes.js";
export type { Formatter };

/**
 * One sentence for a change, shared by every surface: what changed, named (src/words/en/outcomes.ts).
 * A grant's end is written by `grantEnd` (with `now`, in UTC words).
 */
export const describeChange = (change: ChangeResult, fmt: Formatter = plainFormatter, now?: Date): string =>
  outcomeSentence(change, now ? { fmt, now } : { fmt });
