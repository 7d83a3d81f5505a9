import { grantEndWords } from "../../core/grant-rules.js";
import type {
  AlreadySo,
  ChangeResult,
  MemberAbout,
  MemberFieldChanges,
  PermissionCell,
  ResultKind,
  ResultOf,
} from "../../core/outcomes.js";
import { PERMISSIONS, type PermissionKey } from "../../core/permissions.js";
import { CHANGEABLE_ROLES, ROLE_LABEL } from "../../core/roles.js";
import { type Formatter, plainFormatter } from "../format.js";
import { aRole, listWords, roles } from "./common.js";

/**
 * What a change did, in English: one sentence per result kind (a new kind fails to compile until it
 * is worded here), written for a door by its formatter — Slack mrkdwn with mentions, plain text for
 * the CLI. `now`, where given, writes a grant's end counted from it in UTC ("14:30 UTC"): the CLI's
 * way, as a terminal has no zone of its own; without it the end is written as the door writes a time.
 */
export interface Wording {
  fmt: Formatter;
  now?: Date;
}

/** Words for every result kind, each given its own kind's result. */
export type OutcomeWords = { [K in ResultKind]: (result: ResultOf<K>, w: Wording) => string };

const label = (permission: PermissionKey) => PERMISSIONS[permission].label;

/** "Four-eyes is on: this change waits for a second Owner's approval." — a change held by rule 9. */
export const FOUR_EYES_HELD = "Four-eyes is on: this change waits for a second Owner's approval.";

/** "Admins can now use Billing and Export Users; Teammates can no longer use Export Users" (no stop). */
export const describeCells = (cells: readonly PermissionCell[]): string =>
  CHANGEABLE_ROLES.flatMap((role) => {
    const labels = (allowed: boolean) =>
      cells.filter((c) => c.role === role && c.allowed === allowed).map((c) => label(c.permission));
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
  for (const [field, change] of [
    ["name", name],
    ["phone", phone],
  ] as const) {
    if (!change) continue;
    parts.push(
      change.after === null
        ? `${field} cleared${was(change.before)}`
        : `${field} is now ${fmt.text(change.after)}${was(change.before)}`,
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

/** The member by mention where the door has one, else by name or email. */
const person = (m: MemberAbout, fmt: Formatter, name: string | null = m.name): string =>
  fmt.person({ email: m.email, name, slackUserId: m.slackUserId });

/** What already holds, for a change that would change nothing: "Admins already have Team Settings". */
export const ALREADY_SO: {
  [O in AlreadySo["of"]]: (why: Extract<AlreadySo, { of: O }>, fmt: Formatter) => string;
} = {
  member: ({ member, asked }, fmt) => {
    const who = fmt.text(member.email);
    if (asked.length === 1 && asked[0] === "role") return `${who} is already ${aRole(member.role)}`;
    const fields = asked.length > 0 ? asked : ["name", "phone", "role"];
    return `${who} already has that ${fields.slice(0, -1).join(", ")}${fields.length > 1 ? " and " : ""}${fields.at(-1)}`;
  },
  permission: ({ role, permission, allowed }, fmt) =>
    `${roles(role)} already ${allowed ? "have" : "lack"} ${fmt.text(label(permission))}`,
  permissions: () => "the roles already have those permissions",
  "grant.by_role": ({ member, permission }) => `${roles(member.role)} already have ${label(permission)}`,
  "grant.running": ({ member, permission, until, asOf }, fmt) =>
    `${fmt.text(member.email)} already has ${label(permission)} until ${grantEndWords(until, new Date(asOf))}`,
  setting: (why, fmt) => {
    if (why.setting === "four_eyes") return `four-eyes is already ${why.value ? "on" : "off"}`;
    return why.value === null
      ? "change requests already go to the Owners by direct message"
      : `change requests are already posted in ${fmt.channel(why.value)}`;
  },
  slack_link: ({ member }, fmt) => `${fmt.text(member.email)} is already linked to their Slack user`,
  "apikey.rotated": ({ prefix }, fmt) =>
    `the organisation API key was already rotated (${fmt.text(prefix)}… is in use)`,
};

export const alreadySo = (why: AlreadySo, fmt: Formatter = plainFormatter): string =>
  (ALREADY_SO[why.of] as (why: AlreadySo, fmt: Formatter) => string)(why, fmt);

/** "Cancelled the invite for …": removing someone still invited, or cancelling their invite. */
const cancelled = (m: MemberAbout, fmt: Formatter) =>
  `Cancelled the invite for ${fmt.text(m.email)}; the link in their email no longer works.`;

const activated = ({ member }: { member: MemberAbout }, { fmt }: Wording) =>
  `${person(member, fmt)} is now active as ${aRole(member.role)}.`;

/** One sentence for each result, shared by every door. */
export const OUTCOMES: OutcomeWords = {
  "member.added": ({ member }, { fmt }) =>
    `Invited ${fmt.text(member.email)} as ${ROLE_LABEL[member.role]}${member.name ? `, named ${fmt.text(member.name)}` : ""}. The invite is queued for email.`,
  "member.edited": ({ member, fields }, { fmt }) =>
    describeFields(person(member, fmt, fields.name ? fields.name.before : member.name), fields, fmt),
  "member.removed": ({ member }, { fmt }) =>
    member.status === "invited" ? cancelled(member, fmt) : `Removed ${person(member, fmt)} from the team.`,
  "invite.resent": ({ member }, { fmt }) =>
    `Sent ${fmt.text(member.email)} a new invite; the old link no longer works.`,
  "invite.revoked": ({ member }, { fmt }) => cancelled(member, fmt),
  "member.activated": activated,
  "invite.accepted": activated,
  "member.slack_linked": ({ member }, { fmt }) => `Linked ${fmt.text(member.email)} to their Slack user.`,
  "permissions.changed": ({ cells }) => `${describeCells(cells)}.`,
  "setting.changed": (r, { fmt }) => {
    if (r.setting === "four_eyes")
      return r.value
        ? "Four-eyes is now on: changes to Owners, to who may manage the team or permissions, and key rotations without grace need a second Owner's approval."
        : "Four-eyes is now off: Owners' changes apply at once.";
    return r.value === null
      ? "Change requests will go to the Owners by direct message."
      : `Change requests will be posted in ${fmt.channel(r.value)}.`;
  },
  "apikey.rotated": ({ oldKeyWorksUntil }, { fmt }) =>
    oldKeyWorksUntil === null
      ? "Rotated the organisation API key; the old key stopped working."
      : `Rotated the organisation API key; the old key works until ${fmt.date(oldKeyWorksUntil)}.`,
  "grant.started": ({ member, permission, until }, { fmt, now }) =>
    `${person(member, fmt)} has ${label(permission)} until ${grantEnd(until, fmt, now)} (ends by itself).`,
  "grant.extended": ({ member, permission, until }, { fmt, now }) =>
    `${person(member, fmt)}'s temporary ${label(permission)} now lasts until ${grantEnd(until, fmt, now)}.`,
  "grant.ended": ({ member, permission }, { fmt }) =>
    `${person(member, fmt)}'s temporary ${label(permission)} has ended.`,
  "request.filed": () => FOUR_EYES_HELD,
  unchanged: ({ why }, { fmt }) => `Nothing to change: ${alreadySo(why, fmt)}.`,
};

/**
 * Slack's words: a grant says when it ends in the reader's own time, in a chat's shorter words
 * ("<@U…> has Export Users until …"); every other kind as every door says it.
 */
export const SLACK_OUTCOMES: OutcomeWords = {
  ...OUTCOMES,
  "grant.started": ({ member, permission, until }, { fmt }) =>
    `${person(member, fmt)} has ${label(permission)} until ${fmt.date(until)}.`,
  "grant.extended": ({ member, permission, until }, { fmt }) =>
    `${person(member, fmt)} now has ${label(permission)} until ${fmt.date(until)}.`,
  "grant.ended": ({ member, permission }, { fmt }) =>
    `${person(member, fmt)} no longer has temporary ${label(permission)}.`,
};

/** A result in one sentence, in `words` (every door's, unless the door has its own). */
export const outcomeSentence = (
  result: ChangeResult,
  w: Wording = { fmt: plainFormatter },
  words: OutcomeWords = OUTCOMES,
): string => (words[result.kind] as (result: ChangeResult, w: Wording) => string)(result, w);

/** A change refused as changing nothing: "Nothing to ask for: Admins already have Export Users." */
export const nothingToChangeWords = (
  why: AlreadySo,
  stage: "ask" | "approve",
  fmt = plainFormatter,
): string => `${stage === "ask" ? "Nothing to ask for" : "Nothing to change"}: ${alreadySo(why, fmt)}.`;

/**
 * A result as JSON doors show it (the CLI's --json, the API): `ok`, whether it changed anything, its
 * kind and typed facts, and the sentence as `message` (plain text, a grant's end in UTC words from
 * `now` where given). The new API key of a rotation is left to the rotation's own answer.
 */
export const outcomeJson = (result: ChangeResult, now?: Date): Record<string, unknown> => {
  const { apiKey: _, ...facts } = result as ChangeResult & { apiKey?: string };
  return {
    ...facts,
    message: outcomeSentence(result, now ? { fmt: plainFormatter, now } : { fmt: plainFormatter }),
  };
};
