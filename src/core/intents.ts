import { z } from "zod";
import { CoreError } from "./errors.js";
import {
  emailSchema,
  grantMinutesSchema,
  memberRefSchema,
  nameSchema,
  permissionSchema,
  phoneSchema,
  reasonSchema,
  roleSchema,
  slackChannelIdSchema,
} from "./input.js";
import type { Role } from "./roles.js";

/** `null` (or an empty string) clears an optional field; a value is checked with `schema`. */
const clearable = <S extends z.ZodType>(schema: S) =>
  z.union([z.literal("").transform(() => null), z.null(), schema]);

const member = memberRefSchema;

/**
 * Every change a person can make, typed. `/team` words, modals and buttons all become one of these;
 * a change request stores one (versioned JSON), never the words, so the grammar can change without
 * changing what a pending request does.
 */
export const changeIntentSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("member.add"),
    email: emailSchema,
    role: roleSchema.default("teammate"),
    name: clearable(nameSchema).default(null),
    phone: clearable(phoneSchema).default(null),
  }),
  z.object({
    kind: z.literal("member.edit"),
    member,
    name: clearable(nameSchema).optional(),
    phone: clearable(phoneSchema).optional(),
    role: roleSchema.optional(),
  }),
  z.object({ kind: z.literal("member.remove"), member }),
  z.object({ kind: z.literal("invite.resend"), member }),
  z.object({ kind: z.literal("invite.revoke"), member }),
  z.object({
    kind: z.literal("permission.set"),
    role: roleSchema,
    permission: permissionSchema,
    allowed: z.boolean(),
  }),
  /** The Permissions form: whole columns at once, saved as one diff. */
  z.object({
    kind: z.literal("permission.save"),
    columns: z.partialRecord(roleSchema, z.array(permissionSchema)),
  }),
  z.object({ kind: z.literal("settings.approvals"), channel: z.union([z.null(), slackChannelIdSchema]) }),
  z.object({ kind: z.literal("settings.four_eyes"), on: z.boolean() }),
  /** A time-bound grant of one permission to one member, for `minutes` from when it starts. */
  z.object({
    kind: z.literal("grant.start"),
    member,
    permission: permissionSchema,
    minutes: grantMinutesSchema,
    reason: clearable(reasonSchema).default(null),
  }),
  /** The member's active grant of `permission` lasts `minutes` longer. */
  z.object({
    kind: z.literal("grant.extend"),
    member,
    permission: permissionSchema,
    minutes: grantMinutesSchema,
  }),
  /** Ends the member's active grant of `permission` now. */
  z.object({ kind: z.literal("grant.end"), member, permission: permissionSchema }),
  /**
   * A new organisation API key. It is an intent so that, with four-eyes on, an Owner's rotation
   * without grace can wait for a second Owner; the approving Owner is shown the key.
   */
  z.object({
    kind: z.literal("apikey.rotate"),
    graceHours: z.number().int().min(0).max(168).optional(),
    from: z.string().max(20).optional(),
  }),
]);

export type ChangeIntent = z.infer<typeof changeIntentSchema>;
/** What callers hand in: the same shapes before checking (emails not yet lower-cased, roles as typed…). */
export type RawChangeIntent = z.input<typeof changeIntentSchema>;
export type IntentKind = ChangeIntent["kind"];

/** The version of the JSON a change request stores; a reader refuses versions it does not know. */
export const INTENT_VERSION = 1;

/** Checks a change; any problem is INVALID_INPUT naming the field. */
export const parseIntent = (raw: unknown): ChangeIntent => {
  const result = changeIntentSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new CoreError(
    issue?.message ? { reason: "input_issue", issue: issue.message } : { reason: "change_unreadable" },
    issue?.path.map(String).join(".") || undefined,
  );
};

export const intentToJson = (intent: ChangeIntent): string => JSON.stringify({ v: INTENT_VERSION, intent });

/** A stored intent, or null when it cannot be read (a newer version, or damaged). */
export const intentFromJson = (json: string): ChangeIntent | null => {
  try {
    const stored = z.object({ v: z.literal(INTENT_VERSION), intent: z.unknown() }).parse(JSON.parse(json));
    return changeIntentSchema.parse(stored.intent);
  } catch {
    return null;
  }
};

/** One kind of change, typed by its kind: what each spec of the registry (intent-registry.ts) reads. */
export type IntentOf<K extends IntentKind> = Extract<ChangeIntent, { kind: K }>;

/** A request for temporary access (a grant, or more time on one): it may be approved for less time. */
export type GrantAsk = IntentOf<"grant.start" | "grant.extend">;

/** "Is this a grant request?" — the one predicate: the log, the approval and the post ask it. */
export const isGrantAsk = (intent: ChangeIntent | null | undefined): intent is GrantAsk =>
  intent?.kind === "grant.start" || intent?.kind === "grant.extend";

/** What the Owners need to know to decide: the member as they are now, and how many a toggle affects. */
export interface EffectFacts {
  target: { email: string; role: Role; status: string; name: string | null; phone: string | null } | null;
  activeWithRole: number;
}

/**
 * The words a request stores when it is filed, given by whoever builds the core (the wiring fills it
 * with the English words): the core builds no sentence itself.
 */
export interface IntentWords {
  /** The change as the command grammar writes it (`role tom@acme.test admin`). */
  summary(intent: ChangeIntent): string;
  /** What it would do, as the Owners read it before deciding: before → after, and who. */
  effect(intent: ChangeIntent, facts: EffectFacts): string;
}
