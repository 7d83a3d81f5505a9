import { z } from "zod";
import { CoreError } from "./errors.js";
import { PERMISSION_KEYS } from "./permissions.js";
import { ROLES } from "./roles.js";

// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Bidi controls make a name display as something it is not ("Bob" + U+202E + "nimda"); zero-width
// and blank-looking characters make two different names look the same, or a name look empty.
// U+034F combining grapheme joiner (outside the class, where it would combine); U+00AD soft
// hyphen; U+061C Arabic letter mark; U+115F, U+1160, U+3164, U+FFA0 Hangul fillers; U+180E
// Mongolian vowel separator; U+200B–F zero-width space, joiners, LRM and RLM; U+202A–E embeddings
// and overrides; U+2060–4 word joiner and invisible operators; U+2066–9 isolates; U+FEFF BOM.
const INVISIBLE =
  /\u034f|[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0]/;

export const emailSchema = z
  .string()
  .trim()
  .max(254, "An email address has at most 254 characters.")
  .toLowerCase()
  .pipe(z.email({ message: "That is not a valid email address." }));

export const nameSchema = z
  .string()
  .trim()
  .min(1, "A name cannot be empty.")
  .max(100, "A name has at most 100 characters.")
  .refine((s) => !CONTROL.test(s), "A name cannot contain control characters.")
  .refine(
    (s) => !INVISIBLE.test(s),
    "A name cannot contain invisible characters (text-direction controls or zero-width characters).",
  );

export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, "A phone number is written in E.164 form, e.g. +447700900123.");

export const roleSchema = z.enum(ROLES, { message: `A role is one of: ${ROLES.join(", ")}.` });

export const permissionSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replaceAll("-", "_"))
  .pipe(z.enum(PERMISSION_KEYS, { message: `A permission is one of: ${PERMISSION_KEYS.join(", ")}.` }));

export const slackUserIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, "That is not a Slack user id.");
export const slackChannelIdSchema = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,20}$/, "That is not a Slack channel id.");
export const slackTeamIdSchema = z.string().regex(/^T[A-Z0-9]{2,20}$/, "That is not a Slack team id (T…).");
/** What an account is keyed by in Slack: its workspace (T…), or its Enterprise Grid organisation (E…) when installed org-wide. */
export const slackAccountKeySchema = z
  .string()
  .regex(/^[TE][A-Z0-9]{2,20}$/, "That is not a Slack team id (T…) or Enterprise Grid id (E…).");

export const accountNameSchema = nameSchema;

/** Why someone needs temporary access: free text, one line, shown to the Owners. */
export const reasonSchema = z
  .string()
  .trim()
  .min(1, "A reason cannot be empty.")
  .max(300, "A reason has at most 300 characters.")
  .refine((s) => !CONTROL.test(s), "A reason cannot contain control characters.")
  .refine((s) => !INVISIBLE.test(s), "A reason cannot contain invisible characters.");

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440 };

/**
 * How long a grant lasts, in whole minutes: `30m`, `2h`, `1d` (also `90 min`, `2 hours`, `1 day`).
 * At most a year here; the account's limit (GRANT_MAX_HOURS) is a rule of its own (GRANT_TOO_LONG).
 */
export const durationSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^\d{1,6}\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?)$/,
    "A duration is a number and a unit, e.g. 30m, 2h or 1d.",
  )
  .transform((s) => {
    const [, n = "0", unit = "m"] = /^(\d+)\s*([a-z])/.exec(s) ?? [];
    return Number(n) * (UNIT_MINUTES[unit] ?? 1);
  })
  .pipe(minutesSchema());

function minutesSchema() {
  return z
    .number()
    .int("A duration is a whole number of minutes.")
    .min(1, "A grant lasts at least one minute.")
    .max(366 * 1440, "A grant cannot last longer than a year.");
}

/** A grant's length as stored in a change: whole minutes. */
export const grantMinutesSchema = minutesSchema();

/** `120` → "2 hours", `90` → "1 hour 30 minutes", `1440` → "1 day". */
export const durationWords = (minutes: number): string => {
  const parts: string[] = [];
  const unit = (n: number, word: string) => n > 0 && parts.push(`${n} ${word}${n === 1 ? "" : "s"}`);
  unit(Math.floor(minutes / 1440), "day");
  unit(Math.floor((minutes % 1440) / 60), "hour");
  unit(minutes % 60, "minute");
  return parts.join(" ") || "0 minutes";
};

/** `120` → "2h", `90` → "90m", `1440` → "1d": the duration as the grammar takes it back. */
export const durationShort = (minutes: number): string =>
  minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;

export const memberRefSchema = z.union([
  z.object({ email: emailSchema }).strict(),
  z.object({ slackUserId: slackUserIdSchema }).strict(),
]);

/** Parse untrusted input; a failure is an INVALID_INPUT naming the offending field. */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown, field?: string): z.infer<S> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [field, ...(issue?.path.map(String) ?? [])].filter(Boolean).join(".");
  throw new CoreError("INVALID_INPUT", issue?.message ?? "Invalid input.", path || undefined);
};
