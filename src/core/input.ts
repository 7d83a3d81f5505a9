import { z } from "zod";
import { CoreError } from "./errors.js";
import { PERMISSION_KEYS } from "./permissions.js";
import { ROLES } from "./roles.js";

/**
 * What names and reasons never contain (PRODUCT §1), by Unicode's own classes rather than a list, so
 * a character Unicode adds to them is refused without a change here: control characters (Cc, NUL
 * included), format characters (Cf: bidi controls, zero-width characters, tags, interlinear
 * annotation marks, invisible operators…), line and paragraph separators (Zl, Zp), private-use (Co)
 * and unassigned (Cn) code points, lone surrogates (Cs: broken UTF-16), and the characters Unicode
 * says to draw as nothing (Default_Ignorable_Code_Point: Hangul fillers, U+034F, U+17B4–5,
 * variation selectors…), which make two names look the same or a name look empty.
 */
const HIDDEN_CLASS = String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}]`;
/**
 * The two of them that emoji need, and only where they are part of one visible picture: U+200D
 * (zero-width joiner, Cf) between two pictographs, after a skin tone or U+FE0F if any (👩‍💻, 👩🏽‍💻,
 * ❤️‍🔥), and the presentation selectors U+FE0E/U+FE0F right after an emoji (✈️, 1️⃣). Anywhere else
 * they draw nothing and are refused. Emoji tag sequences (the flags of England, Scotland, Wales) are
 * refused with the other tags: Unicode cannot tell a tag in a flag from one hidden in a name.
 */
const EMOJI_GLUE = String.raw`(?<=\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}\uFE0F]?)\u200D(?=\p{Extended_Pictographic})|(?<=\p{Emoji})[\uFE0E\uFE0F]`;
/** Each match is either emoji glue (group 1, kept) or a hidden character. */
const HIDDEN = new RegExp(`(${EMOJI_GLUE})|${HIDDEN_CLASS}`, "gu");

/** The first character of `text` that names and reasons refuse, or null. */
const firstHidden = (text: string): string | null => {
  for (const [match, glue] of text.matchAll(HIDDEN)) if (glue === undefined) return match;
  return null;
};

/** `text` without the characters names refuse (a Slack workspace name made an account name). */
export const withoutHiddenCharacters = (text: string): string =>
  text.replace(HIDDEN, (_match, glue: string | undefined) => glue ?? "");

const codePointName = (c: string): string =>
  `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** Which kind of refused character `c` is, in the words of a refusal. */
const hiddenKind = (c: string): string => {
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(c)) return "control characters or line breaks";
  if (/\p{Cs}/u.test(c)) return "broken text (half of a UTF-16 surrogate pair)";
  if (/[\p{Co}\p{Cn}]/u.test(c)) return "private-use or unassigned characters";
  return "invisible characters (format, zero-width or text-direction characters)";
};

/** A check for text a person reads as written: `A name cannot contain invisible characters (U+200B).` */
const visibleText =
  (subject: string) =>
  (text: string, ctx: z.RefinementCtx): void => {
    const hidden = firstHidden(text);
    if (hidden !== null)
      ctx.addIssue({
        code: "custom",
        message: `${subject} cannot contain ${hiddenKind(hidden)} (${codePointName(hidden)}).`,
      });
  };

/**
 * NUL, or half of a UTF-16 surrogate pair: text that no database stores as given (PostgreSQL
 * refuses NUL; a lone surrogate is no character at all, and turns into U+FFFD on the way).
 */
const BROKEN_TEXT = /[\0\p{Cs}]/u;

const BROKEN_TEXT_MESSAGE = "cannot contain a NUL character or broken UTF-16 (a lone surrogate).";

/**
 * Where in `value` (a parsed body: objects, arrays, strings) a key or a string holds broken text, as
 * a reader writes it (`checks[1].email`; "" for `value` itself); null when nowhere. Every field of a
 * door is checked with this once, where its body is parsed. Iterative: a deeply nested body cannot
 * overflow the stack.
 */
export const brokenTextAt = (value: unknown): string | null => {
  const pending: [unknown, string][] = [[value, ""]];
  // Breadth-first, in the body's order: the field named is the first a reader meets.
  for (let i = 0; i < pending.length; i++) {
    const [item, path] = pending[i] as [unknown, string];
    if (typeof item === "string") {
      if (BROKEN_TEXT.test(item)) return path;
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => {
        pending.push([element, `${path}[${index}]`]);
      });
    } else if (typeof item === "object" && item !== null) {
      for (const [key, field] of Object.entries(item)) {
        const at = path ? `${path}.${key}` : key;
        if (BROKEN_TEXT.test(key)) return at;
        pending.push([field, at]);
      }
    }
  }
  return null;
};

/** The refusal of broken text found at `path` (see `brokenTextAt`). */
export const brokenTextMessage = (path: string): string =>
  `${path ? `${path.replace(/[^\x20-\x7e]/g, "?")}: text` : "Text"} ${BROKEN_TEXT_MESSAGE}`;

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
  .superRefine(visibleText("A name"));

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

/** Free text shown to others as a reason: one line, with a name's character rules. */
const reasonText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "A reason cannot be empty.")
    .max(max, `A reason has at most ${max} characters.`)
    .superRefine(visibleText("A reason"));

/** Why someone needs temporary access: free text, one line, shown to the Owners. */
export const reasonSchema = reasonText(300);

/** Why an Owner declined a request: shown to the requester. */
export const rejectionReasonSchema = reasonText(500);

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
  throw new CoreError(
    issue?.message ? { reason: "input_issue", issue: issue.message } : { reason: "invalid_input" },
    path || undefined,
  );
};
