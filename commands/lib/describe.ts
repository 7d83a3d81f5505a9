import type { ChangeResult } from "../../src/core/decide.js";
import { durationWords } from "../../src/core/input.js";
import type { ChangeIntent } from "../../src/core/intents.js";
import type { MemberRef } from "../../src/core/model.js";
import { PERMISSIONS } from "../../src/core/permissions.js";
import { CHANGEABLE_ROLES, ROLE_LABEL } from "../../src/core/roles.js";
import { aRole, listWords, roles } from "../../src/words/en/common.js";
import { outcomeSentence } from "../../src/words/en/outcomes.js";
import { type Formatter, plainFormatter } from "../../src/words/format.js";

export { describeCells, FOUR_EYES_HELD, grantEnd } from "../../src/words/en/outcomes.js";
export type { Formatter };

/**
 * One sentence for a change, shared by every surface: what changed, named (src/words/en/outcomes.ts).
 * A grant's end is written by `grantEnd` (with `now`, in UTC words).
 */
export const describeChange = (change: ChangeResult, fmt: Formatter = plainFormatter, now?: Date): string =>
  outcomeSentence(change, now ? { fmt, now } : { fmt });

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
