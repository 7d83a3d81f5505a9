import type { Logger } from "../log.js";

/**
 * Says that the database cannot serve Rolecall when that is first seen, then at most once a minute
 * while it lasts: every request that meets it is told only that the database is not answering, so
 * this line is where an operator learns why.
 */
export const unusableWarning = (
  logger: Pick<Logger, "warn"> | undefined,
  now: () => number = Date.now,
): ((line: string) => void) => {
  let saidAt = Number.NEGATIVE_INFINITY;
  return (line) => {
    const at = now();
    if (at - saidAt < 60_000) return;
    saidAt = at;
    logger?.warn(line);
  };
};
