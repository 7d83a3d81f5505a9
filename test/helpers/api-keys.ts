import type { AlreadyRotated, HeldForSecondOwner, RotatedKey } from "../../src/core/access-core.js";

/** The new key of a rotation the test expects to happen now (not a repeat, not held by four-eyes). */
export const newKey = async (
  rotation: Promise<RotatedKey | AlreadyRotated | HeldForSecondOwner>,
): Promise<RotatedKey> => {
  const rotated = await rotation;
  if ("alreadyRotated" in rotated || "heldForSecondOwner" in rotated)
    throw new Error(`expected a new key, got ${JSON.stringify(rotated)}`);
  return rotated;
};
