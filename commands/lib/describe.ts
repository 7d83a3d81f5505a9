import type { ChangeResult, MemberFieldChanges, PermissionCell } from "../../src/core/decide.js";
import { grantEndWords } from "../../src/core/grant-rules.js";
import { durationWords } from "../../src/core/input.js";
import type { ChangeIntent } from "../../src/core/intents.js";
import type { MemberRef } from "../../src/core/model.js";
import { PERMISSIONS } from "../../src/core/permissions.js";
import { alreadySo, type Formatter, plainFormatter } from "../../src/core/results.js";
import { CHANGEABLE_ROLES, ROLE_LABEL } from "../../src/core/roles.js";
import { aRole, listWords, roles } from "../../src/words/en/common.js";

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

/** A member as a request names them: a mention where Slack can show one, else the address typed. */
const refWords = (ref: MemberRef, fmt: Formatter): string =>
  "email" in ref
    ? fmt.text(ref.email)
    : fmt.person({ email: `<@${ref.slackUserId}>`, slackUserId: ref.slackUserId });

/**
 * What asking the Owners for a change asks, in words, to follow "Ask an Owner to …": "make
 * tom@acme.test an Admin", "let Teammates use Billing". The refusal that offers the button and the
 * message that confirms the request both say it, so the asker knows exactly what the Owners will see.
 */
export const describeAsk = (intent: ChangeIntent, fmt: Formatter = plainFormatter): string => {
  switch (intent.kind) {
    case "member.add":
      return `invite ${fmt.text(intent.email)} as ${aRole(intent.role)}${intent.name ? `, named ${fmt.text(intent.name)}` : ""}`;
    case "member.edit": {
      const who = refWords(intent.member, fmt);
      const { name, phone, role } = intent;
      if (role !== undefined && name === undefined && phone === undefined)
        return `make ${who} ${aRole(role)}`;
      const set: string[] = [];
      const clear: string[] = [];
      for (const [label, value] of [
        ["name", name],
        ["phone", phone],
      ] as const) {
        if (value === null) clear.push(label);
        else if (value !== undefined) set.push(`${label} to ${fmt.text(value)}`);
      }
      if (role !== undefined) set.push(`role to ${ROLE_LABEL[role]}`);
      const changes = set.length > 0 ? [`change ${who}'s ${listWords(set)}`] : [];
      const clears =
        clear.length > 0 ? [`clear ${set.length > 0 ? "their" : `${who}'s`} ${listWords(clear)}`] : [];
      return [...changes, ...clears].join(" and ");
    }
    case "member.remove":
      return `remove ${refWords(intent.member, fmt)} from the team`;
    case "invite.resend":
      return `resend the invite for ${refWords(intent.member, fmt)}`;
    case "invite.revoke":
      return `cancel the invite for ${refWords(intent.member, fmt)}`;
    case "permission.set": {
      const label = PERMISSIONS[intent.permission].label;
      return intent.allowed
        ? `let ${roles(intent.role)} use ${label}`
        : `stop ${roles(intent.role)} using ${label}`;
    }
    case "permission.save": {
      const asks = CHANGEABLE_ROLES.filter((role) => intent.columns[role]).map((role) => {
        const labels = (intent.columns[role] ?? []).map((k) => PERMISSIONS[k].label);
        return labels.length > 0
          ? `let ${roles(role)} use only ${listWords(labels)}`
          : `let ${roles(role)} use nothing`;
      });
      return asks.length > 0 ? listWords(asks) : "change what roles may do";
    }
    case "settings.approvals":
      return intent.channel
        ? `post change requests in ${fmt.channel(intent.channel)}`
        : "send change requests to the Owners by direct message";
    case "settings.four_eyes":
      return intent.on ? "turn four-eyes on" : "turn four-eyes off";
    case "grant.start":
      return `give ${refWords(intent.member, fmt)} ${PERMISSIONS[intent.permission].label} for ${durationWords(intent.minutes)}`;
    case "grant.extend":
      return `give ${refWords(intent.member, fmt)} ${PERMISSIONS[intent.permission].label} for ${durationWords(intent.minutes)} longer`;
    case "grant.end":
      return `end ${refWords(intent.member, fmt)}'s temporary ${PERMISSIONS[intent.permission].label}`;
    case "apikey.rotate":
      return intent.graceHours
        ? `rotate the organisation API key, the old one working ${durationWords(intent.graceHours * 60)} longer`
        : "rotate the organisation API key, stopping the old one at once";
  }
};
