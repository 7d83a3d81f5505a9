import type { ChangeResult, MemberFieldChanges, PermissionCell } from "../../src/core/decide.js";
import { grantEndWords } from "../../src/core/grant-rules.js";
import { PERMISSIONS } from "../../src/core/permissions.js";
import { alreadySo, type Formatter, plainFormatter } from "../../src/core/results.js";
import { CHANGEABLE_ROLES, ROLE_LABEL } from "../../src/core/roles.js";
import { aRole, listWords, roles } from "../../src/core/words.js";

export type { Formatter };

/** "Admins can now use Billing and Export Users; Teammates can no longer use Export Users" (no stop). */
export const describeCells = (cells: readonly PermissionCell[]): string =>
  CHANGEABLE_ROLES.flatMap((role) => {
    const labels = (allowed: boolean) =>
      cells
        .filter((c) => c.role === role && c.allowed === allowed)
        .map((c) => PERMISSIONS[c.permission].label);
    const on = labels(true);
    const off = labels(false);
    return [
      ...(on.length > 0 ? [`${roles(role)} can now use ${listWords(on)}`] : []),
      ...(off.length > 0 ? [`${roles(role)} can no longer use ${listWords(off)}`] : []),
    ];
  }).join("; ");

/**
 * An edit, field by field, before → after: "Tom's phone is now +447700900999 (was +447700900123)",
 * "Tom's name is now Thomas (was Tom); phone cleared (was …)", "Tom is now an Admin (was a Teammate)".
 * `who` names the member as the reader knew them, before the change.
 */
const describeFields = (who: string, fields: MemberFieldChanges, fmt: Formatter): string => {
  const { name, phone, role } = fields;
  if (role && !name && !phone) return `${who} is now ${aRole(role.after)} (was ${aRole(role.before)}).`;
  const was = (before: string | null) => (before === null ? "" : ` (was ${fmt.text(before)})`);
  const parts: string[] = [];
  for (const [label, field] of [
    ["name", name],
    ["phone", phone],
  ] as const) {
    if (!field) continue;
    parts.push(
      field.after === null
        ? `${label} cleared${was(field.before)}`
        : `${label} is now ${fmt.text(field.after)}${was(field.before)}`,
    );
  }
  if (role) parts.push(`role is now ${ROLE_LABEL[role.after]} (was ${ROLE_LABEL[role.before]})`);
  return `${who}'s ${parts.join("; ")}.`;
};

/**
 * When a grant ends, as the reader reads it: counted from `now` in UTC ("14:30 UTC", a date beyond a
 * day) where the surface has no zone of its own (the CLI), else as the surface writes a time.
 */
export const grantEnd = (endsAt: string, fmt: Formatter, now?: Date): string =>
  now ? grantEndWords(endsAt, now) : fmt.date(endsAt);

/** "Four-eyes is on: this change waits for a second Owner's approval." — a change held by rule 9. */
export const FOUR_EYES_HELD = "Four-eyes is on: this change waits for a second Owner's approval.";

/**
 * One sentence for a change, shared by every surface: what changed, named. A grant's end is written
 * by `grantEnd` (with `now`, in UTC words).
 */
export const describeChange = (change: ChangeResult, fmt: Formatter = plainFormatter, now?: Date): string => {
  const email = fmt.text(change.email ?? "");
  const who = fmt.person({
    email: change.email ?? "",
    name: change.fields?.name ? change.fields.name.before : change.name,
    slackUserId: change.slackUserId,
  });
  const role = change.role ? ROLE_LABEL[change.role] : "";
  const cancelled = `Cancelled the invite for ${email}; the link in their email no longer works.`;
  switch (change.action) {
    case "member.added":
      return `Invited ${email} as ${role}${change.name ? `, named ${fmt.text(change.name)}` : ""}. The invite is queued for email.`;
    case "member.edited":
    case "member.role_changed":
      return change.fields ? describeFields(who, change.fields, fmt) : `Updated ${who}.`;
    case "member.removed":
      return change.status === "invited" ? cancelled : `Removed ${who} from the team.`;
    case "invite.resent":
      return `Sent ${email} a new invite; the old link no longer works.`;
    case "invite.revoked":
      return cancelled;
    case "member.activated":
      return `${who} is now active${change.role ? ` as ${aRole(change.role)}` : ""}.`;
    case "member.slack_linked":
      return `Linked ${email} to their Slack user.`;
    case "permission.granted":
    case "permission.revoked":
    case "permissions.changed":
      return change.cells ? `${describeCells(change.cells)}.` : "Saved the permissions.";
    case "grant.started":
    case "grant.extended":
    case "grant.ended": {
      const label = change.permission ? PERMISSIONS[change.permission].label : "temporary access";
      const until = grantEnd(change.detail ?? "", fmt, now);
      if (change.action === "grant.started") return `${who} has ${label} until ${until} (ends by itself).`;
      if (change.action === "grant.extended") return `${who}'s temporary ${label} now lasts until ${until}.`;
      return `${who}'s temporary ${label} has ended.`;
    }
    case "setting.changed":
      if (change.detail === "four-eyes on")
        return "Four-eyes is now on: changes to Owners, to who may manage the team or permissions, and key rotations without grace need a second Owner's approval.";
      if (change.detail === "four-eyes off") return "Four-eyes is now off: Owners' changes apply at once.";
      return change.detail === "none"
        ? "Change requests will go to the Owners by direct message."
        : `Change requests will be posted in ${fmt.channel(change.detail ?? "")}.`;
    case "member.unchanged":
    case "permission.unchanged":
    case "grant.unchanged":
    case "setting.unchanged":
      return `Nothing to change: ${alreadySo(change, fmt)}.`;
    default:
      return "Done.";
  }
};
