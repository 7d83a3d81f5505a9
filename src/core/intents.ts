import { z } from "zod";
import { CoreError } from "./errors.js";
import {
  durationShort,
  durationWords,
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
import { diffMatrix, holds, type Matrix, PERMISSIONS, type PermissionKey } from "./permissions.js";
import { CHANGEABLE_ROLES, ROLE_LABEL, type Role } from "./roles.js";

/** `null` (or an empty string) clears an optional field; a value is checked with `schema`. */
const clearable = <S extends z.ZodType>(schema: S) =>
  z.union([z.literal("").transform(() => null), z.null(), schema]);

const member = memberRefSchema;
type MemberRef = z.infer<typeof memberRefSchema>;

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

/** The member an intent acts on (loaded with the state its decision reads). */
export const intentTarget = (intent: ChangeIntent): MemberRef | null => {
  switch (intent.kind) {
    case "member.add":
      return { email: intent.email };
    case "member.edit":
    case "member.remove":
    case "invite.resend":
    case "invite.revoke":
    case "grant.start":
    case "grant.extend":
    case "grant.end":
      return intent.member;
    case "permission.set":
    case "permission.save":
    case "settings.approvals":
    case "settings.four_eyes":
    case "apikey.rotate":
      return null;
  }
};

const refWords = (ref: MemberRef) => ("email" in ref ? ref.email : `<@${ref.slackUserId}>`);

/**
 * The change in the words of the `/team` grammar (`role tom@acme.test admin`): what a request says
 * it asks for, the same in Slack, the CLI and the post the Owners read.
 */
export const describeIntent = (intent: ChangeIntent): string => {
  switch (intent.kind) {
    case "member.add":
      return [
        "add",
        intent.email,
        intent.role,
        intent.name ?? "",
        intent.phone ? `--phone ${intent.phone}` : "",
      ]
        .filter(Boolean)
        .join(" ");
    case "member.edit": {
      const { name, phone, role } = intent;
      if (role !== undefined && name === undefined && phone === undefined)
        return `role ${refWords(intent.member)} ${role}`;
      const fields = [
        name === undefined ? "" : `--name ${name ?? "none"}`,
        phone === undefined ? "" : `--phone ${phone ?? "none"}`,
        role === undefined ? "" : `--role ${role}`,
      ];
      return ["edit", refWords(intent.member), ...fields].filter(Boolean).join(" ");
    }
    case "member.remove":
      return `remove ${refWords(intent.member)}`;
    case "invite.resend":
      return `resend ${refWords(intent.member)}`;
    case "invite.revoke":
      return `revoke ${refWords(intent.member)}`;
    case "permission.set":
      return `perms ${intent.allowed ? "grant" : "revoke"} ${intent.role} ${intent.permission}`;
    case "permission.save":
      return `perms save ${Object.entries(intent.columns)
        .map(([role, keys]) => `${role}=${(keys ?? []).join(",") || "none"}`)
        .join(" ")}`;
    case "settings.approvals":
      return `settings approvals ${intent.channel ?? "none"}`;
    case "settings.four_eyes":
      return `settings four-eyes ${intent.on ? "on" : "off"}`;
    case "grant.start":
      return [
        "grant",
        refWords(intent.member),
        intent.permission,
        "for",
        durationShort(intent.minutes),
        intent.reason ?? "",
      ]
        .filter(Boolean)
        .join(" ");
    case "grant.extend":
      return `grant extend ${refWords(intent.member)} ${intent.permission} ${durationShort(intent.minutes)}`;
    case "grant.end":
      return `ungrant ${refWords(intent.member)} ${intent.permission}`;
    case "apikey.rotate":
      return `apikey rotate --grace ${intent.graceHours ?? 0}h`;
  }
};

/** What the Owners need to know to decide: the member as they are now, and how many a toggle affects. */
export interface EffectFacts {
  target: { email: string; role: Role; status: string; name: string | null; phone: string | null } | null;
  activeWithRole: number;
}

const roleLabel = (role: Role | undefined) => (role ? ROLE_LABEL[role] : "?");

/** What a change would do, in the words the Owners read before deciding: before → after, and who. */
export const describeEffect = (intent: ChangeIntent, facts: EffectFacts): string => {
  const target = facts.target;
  const label = target?.email ?? ("member" in intent ? refWords(intent.member) : "");
  switch (intent.kind) {
    case "member.add":
      return `Invites ${intent.email} as ${roleLabel(intent.role)}.`;
    case "member.edit": {
      const parts: string[] = [];
      if (intent.role !== undefined && intent.name === undefined && intent.phone === undefined)
        return `${label}: ${roleLabel(target?.role)} → ${roleLabel(intent.role)}.`;
      if (intent.name !== undefined) parts.push(`name ${target?.name ?? "none"} → ${intent.name ?? "none"}`);
      if (intent.phone !== undefined)
        parts.push(`phone ${target?.phone ?? "none"} → ${intent.phone ?? "none"}`);
      if (intent.role !== undefined)
        parts.push(`role ${roleLabel(target?.role)} → ${roleLabel(intent.role)}`);
      return `${label}: ${parts.join(", ")}.`;
    }
    case "member.remove":
      return `Removes ${label}${target ? ` (${roleLabel(target.role)}, ${target.status})` : ""} from the team.`;
    case "invite.resend":
      return `Sends ${label} a new invite link; the old one stops working.`;
    case "invite.revoke":
      return `Revokes the invite for ${label}.`;
    case "permission.set": {
      const n = facts.activeWithRole;
      const change = intent.allowed ? "off → on" : "on → off";
      return `${roleLabel(intent.role)}s: ${PERMISSIONS[intent.permission].label} ${change}. Affects ${n} active member${n === 1 ? "" : "s"}.`;
    }
    case "permission.save":
      return Object.entries(intent.columns)
        .map(
          ([role, keys]) =>
            `${roleLabel(role as Role)}s: ${(keys ?? []).map((k) => PERMISSIONS[k].label).join(", ") || "nothing"}.`,
        )
        .join(" ");
    case "settings.approvals":
      return `Approvals channel → ${intent.channel ? `channel ${intent.channel}` : "none (DMs to Owners)"}.`;
    case "settings.four_eyes":
      return `Four-eyes → ${intent.on ? "on: sensitive changes need a second Owner" : "off"}.`;
    case "grant.start":
      return `${label} gets ${PERMISSIONS[intent.permission].label} for ${durationWords(intent.minutes)}, from approval; it ends by itself.${
        intent.reason ? ` Reason: ${intent.reason}` : ""
      }`;
    case "grant.extend":
      return `${label}'s temporary ${PERMISSIONS[intent.permission].label} lasts ${durationWords(intent.minutes)} longer.`;
    case "grant.end":
      return `${label}'s temporary ${PERMISSIONS[intent.permission].label} ends now.`;
    case "apikey.rotate":
      return intent.graceHours
        ? `A new organisation API key; the old one keeps working for ${durationWords(intent.graceHours * 60)}.`
        : "A new organisation API key; the old one stops working at once.";
  }
};

/**
 * Who holds these runs the team (Team Settings), its rules (Access Permissions) and its API key:
 * a change to who holds them is sensitive. Keyed by every permission, so a new one is classified.
 */
const SENSITIVE_PERMISSION = {
  team_settings: true,
  access_permissions: true,
  api_key: true,
  export_users: false,
  add_users: false,
  bulk_tag_users: false,
  billing: false,
  whatsapp_setup: false,
} as const satisfies Record<PermissionKey, boolean>;

/** What sensitivity depends on besides the change: the member it acts on and the matrix, as now. */
export interface SensitivityFacts {
  /** The role of the member the change acts on (null: nobody yet, or nobody current). */
  targetRole: Role | null;
  matrix: Matrix;
}

/**
 * Whether approving a change deserves a second look before it applies: it makes or unmakes an
 * Owner (inviting one, a role to or from Owner, removing one, a new invite link for one or
 * cancelling theirs), changes who holds Team Settings, Access Permissions or the organisation API
 * key, or moves where change requests are posted. Editing an Owner's name or phone is not.
 */
export const isSensitive = (intent: ChangeIntent, { targetRole, matrix }: SensitivityFacts): boolean => {
  // Moving someone between roles hands over (or takes away) what one role holds and the other not.
  const movesSensitive = (from: Role, to: Role) =>
    (Object.keys(SENSITIVE_PERMISSION) as PermissionKey[]).some(
      (key) => SENSITIVE_PERMISSION[key] && holds(matrix, from, key) !== holds(matrix, to, key),
    );
  switch (intent.kind) {
    case "member.add":
      // A newcomer gets the API key by default, so only running the team counts here.
      return (
        intent.role === "owner" ||
        holds(matrix, intent.role, "team_settings") ||
        holds(matrix, intent.role, "access_permissions")
      );
    case "member.edit":
      return intent.role !== undefined && targetRole !== null && movesSensitive(targetRole, intent.role);
    case "member.remove":
    case "invite.resend":
    case "invite.revoke":
      return targetRole === "owner";
    case "permission.set":
      return SENSITIVE_PERMISSION[intent.permission];
    case "permission.save": {
      const columns = Object.fromEntries(CHANGEABLE_ROLES.map((role) => [role, intent.columns[role]]));
      const { toAdd, toRemove } = diffMatrix(matrix, columns);
      return [...toAdd, ...toRemove].some((cell) => SENSITIVE_PERMISSION[cell.permission]);
    }
    case "settings.approvals":
    case "settings.four_eyes":
    case "apikey.rotate":
      return true;
    case "grant.start":
    case "grant.extend":
      return SENSITIVE_PERMISSION[intent.permission];
    case "grant.end":
      return false;
  }
};
