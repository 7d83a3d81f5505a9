import { durationWords } from "../../core/input.js";
import type { ChangeIntent, EffectFacts, IntentKind, IntentOf } from "../../core/intents.js";
import type { MemberRef } from "../../core/model.js";
import { PERMISSIONS } from "../../core/permissions.js";
import { CHANGEABLE_ROLES, ROLE_LABEL, type Role } from "../../core/roles.js";
import { type Formatter, plainFormatter } from "../format.js";
import { aRole, listWords, roles } from "./common.js";

/**
 * A change in English, one entry per kind (`Record<IntentKind, …>`: a new kind does not compile until
 * it has its words): what it would do, as the Owners read it before deciding (`EFFECT`), and what
 * asking for it asks, after "Ask an Owner to …" (`ASK`).
 */

type Words<Extra extends unknown[]> = {
  readonly [K in IntentKind]: (intent: IntentOf<K>, ...extra: Extra) => string;
};

/** The words of this intent's own kind (TypeScript cannot correlate `table[intent.kind]` with `intent`). */
const wordsOf = <Extra extends unknown[]>(table: Words<Extra>, intent: ChangeIntent) =>
  table[intent.kind] as (intent: ChangeIntent, ...extra: Extra) => string;

/** The member as the request typed them: the address, or a Slack mention. */
const typed = (ref: MemberRef) => ("email" in ref ? ref.email : `<@${ref.slackUserId}>`);

const roleLabel = (role: Role | undefined) => (role ? ROLE_LABEL[role] : "?");
const label = (permission: keyof typeof PERMISSIONS) => PERMISSIONS[permission].label;

/** Who a member change is about: as they are now, else as the request named them. */
const whom = (intent: { member: MemberRef }, facts: EffectFacts) =>
  facts.target?.email ?? typed(intent.member);

/** What a change would do, before → after, and who: the effect the Owners read on a request. */
export const EFFECT = {
  "member.add": (intent) => `Invites ${intent.email} as ${roleLabel(intent.role)}.`,
  "member.edit": (intent, facts) => {
    const { target } = facts;
    const who = whom(intent, facts);
    if (intent.role !== undefined && intent.name === undefined && intent.phone === undefined)
      return `${who}: ${roleLabel(target?.role)} → ${roleLabel(intent.role)}.`;
    const parts: string[] = [];
    if (intent.name !== undefined) parts.push(`name ${target?.name ?? "none"} → ${intent.name ?? "none"}`);
    if (intent.phone !== undefined)
      parts.push(`phone ${target?.phone ?? "none"} → ${intent.phone ?? "none"}`);
    if (intent.role !== undefined) parts.push(`role ${roleLabel(target?.role)} → ${roleLabel(intent.role)}`);
    return `${who}: ${parts.join(", ")}.`;
  },
  "member.remove": (intent, facts) =>
    `Removes ${whom(intent, facts)}${facts.target ? ` (${roleLabel(facts.target.role)}, ${facts.target.status})` : ""} from the team.`,
  "invite.resend": (intent, facts) =>
    `Sends ${whom(intent, facts)} a new invite link; the old one stops working.`,
  "invite.revoke": (intent, facts) => `Revokes the invite for ${whom(intent, facts)}.`,
  "permission.set": (intent, facts) => {
    const n = facts.activeWithRole;
    const change = intent.allowed ? "off → on" : "on → off";
    return `${roleLabel(intent.role)}s: ${label(intent.permission)} ${change}. Affects ${n} active member${n === 1 ? "" : "s"}.`;
  },
  "permission.save": (intent) =>
    Object.entries(intent.columns)
      .map(
        ([role, keys]) =>
          `${roleLabel(role as Role)}s: ${(keys ?? []).map((k) => label(k)).join(", ") || "nothing"}.`,
      )
      .join(" "),
  "settings.approvals": (intent) =>
    `Approvals channel → ${intent.channel ? `channel ${intent.channel}` : "none (DMs to Owners)"}.`,
  "settings.four_eyes": (intent) =>
    `Four-eyes → ${intent.on ? "on: sensitive changes need a second Owner" : "off"}.`,
  "grant.start": (intent, facts) =>
    `${whom(intent, facts)} gets ${label(intent.permission)} for ${durationWords(intent.minutes)}, from approval; it ends by itself.${
      intent.reason ? ` Reason: ${intent.reason}` : ""
    }`,
  "grant.extend": (intent, facts) =>
    `${whom(intent, facts)}'s temporary ${label(intent.permission)} lasts ${durationWords(intent.minutes)} longer.`,
  "grant.end": (intent, facts) => `${whom(intent, facts)}'s temporary ${label(intent.permission)} ends now.`,
  "apikey.rotate": (intent) =>
    intent.graceHours
      ? `A new organisation API key; the old one keeps working for ${durationWords(intent.graceHours * 60)}.`
      : "A new organisation API key; the old one stops working at once.",
} as const satisfies Words<[EffectFacts]>;

/** What a change would do, in the words the Owners read before deciding: before → after, and who. */
export const describeEffect = (intent: ChangeIntent, facts: EffectFacts): string =>
  wordsOf<[EffectFacts]>(EFFECT, intent)(intent, facts);

/** A member as a request names them: a mention where Slack can show one, else the address typed. */
const refWords = (ref: MemberRef, fmt: Formatter): string =>
  "email" in ref
    ? fmt.text(ref.email)
    : fmt.person({ email: `<@${ref.slackUserId}>`, slackUserId: ref.slackUserId });

/** What asking the Owners for a change asks, to follow "Ask an Owner to …". */
export const ASK = {
  "member.add": (intent, fmt) =>
    `invite ${fmt.text(intent.email)} as ${aRole(intent.role)}${intent.name ? `, named ${fmt.text(intent.name)}` : ""}`,
  "member.edit": (intent, fmt) => {
    const who = refWords(intent.member, fmt);
    const { name, phone, role } = intent;
    if (role !== undefined && name === undefined && phone === undefined) return `make ${who} ${aRole(role)}`;
    const set: string[] = [];
    const clear: string[] = [];
    for (const [field, value] of [
      ["name", name],
      ["phone", phone],
    ] as const) {
      if (value === null) clear.push(field);
      else if (value !== undefined) set.push(`${field} to ${fmt.text(value)}`);
    }
    if (role !== undefined) set.push(`role to ${ROLE_LABEL[role]}`);
    const changes = set.length > 0 ? [`change ${who}'s ${listWords(set)}`] : [];
    const clears =
      clear.length > 0 ? [`clear ${set.length > 0 ? "their" : `${who}'s`} ${listWords(clear)}`] : [];
    return [...changes, ...clears].join(" and ");
  },
  "member.remove": (intent, fmt) => `remove ${refWords(intent.member, fmt)} from the team`,
  "invite.resend": (intent, fmt) => `resend the invite for ${refWords(intent.member, fmt)}`,
  "invite.revoke": (intent, fmt) => `cancel the invite for ${refWords(intent.member, fmt)}`,
  "permission.set": (intent) =>
    intent.allowed
      ? `let ${roles(intent.role)} use ${label(intent.permission)}`
      : `stop ${roles(intent.role)} using ${label(intent.permission)}`,
  "permission.save": (intent) => {
    const asks = CHANGEABLE_ROLES.filter((role) => intent.columns[role]).map((role) => {
      const labels = (intent.columns[role] ?? []).map(label);
      return labels.length > 0
        ? `let ${roles(role)} use only ${listWords(labels)}`
        : `let ${roles(role)} use nothing`;
    });
    return asks.length > 0 ? listWords(asks) : "change what roles may do";
  },
  "settings.approvals": (intent, fmt) =>
    intent.channel
      ? `post change requests in ${fmt.channel(intent.channel)}`
      : "send change requests to the Owners by direct message",
  "settings.four_eyes": (intent) => (intent.on ? "turn four-eyes on" : "turn four-eyes off"),
  "grant.start": (intent, fmt) =>
    `give ${refWords(intent.member, fmt)} ${label(intent.permission)} for ${durationWords(intent.minutes)}`,
  "grant.extend": (intent, fmt) =>
    `give ${refWords(intent.member, fmt)} ${label(intent.permission)} for ${durationWords(intent.minutes)} longer`,
  "grant.end": (intent, fmt) => `end ${refWords(intent.member, fmt)}'s temporary ${label(intent.permission)}`,
  "apikey.rotate": (intent) =>
    intent.graceHours
      ? `rotate the organisation API key, the old one working ${durationWords(intent.graceHours * 60)} longer`
      : "rotate the organisation API key, stopping the old one at once",
} as const satisfies Words<[Formatter]>;

/**
 * What asking the Owners for a change asks, in words, to follow "Ask an Owner to …": "make
 * tom@acme.test an Admin", "let Teammates use Billing". The refusal that offers the button and the
 * message that confirms the request both say it, so the asker knows exactly what the Owners will see.
 */
export const describeAsk = (intent: ChangeIntent, fmt: Formatter = plainFormatter): string =>
  wordsOf<[Formatter]>(ASK, intent)(intent, fmt);
