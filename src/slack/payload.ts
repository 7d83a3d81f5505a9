import type { z } from "zod";
import { CoreError } from "../core/errors.js";

/**
 * A value Rolecall put on a button, menu or form and Slack handed back (`value`,
 * `private_metadata`): JSON checked against `schema`. Anything else — missing, not JSON, the wrong
 * shape — is a refusal in the user's words (INVALID_INPUT), never an internal error.
 */
export const parsePayload = <S extends z.ZodType>(
  schema: S,
  raw: string | null | undefined,
  sentence: string,
): z.infer<S> => {
  let json: unknown;
  try {
    json = JSON.parse(raw ?? "");
  } catch {
    throw new CoreError({ reason: "input_issue", issue: sentence });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new CoreError({ reason: "input_issue", issue: sentence });
  return parsed.data;
};
