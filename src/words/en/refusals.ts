import { CoreError, type ErrorCode } from "../../core/errors.js";
import { durationWords } from "../../core/input.js";
import type { AlreadySo } from "../../core/outcomes.js";
import { PERMISSIONS } from "../../core/permissions.js";
import type { GatedAction, RankedAction, Refusal, RefusalReason } from "../../core/refusals.js";
import { isWithinHierarchy, ROLE_LABEL, ROLES } from "../../core/roles.js";
import type { Door, Formatter } from "../format.js";
import { aRole, listWords, roles, rolesBelow } from "./common.js";
import { alreadySo } from "./outcomes.js";

/**
 * Every refusal in English, for every door. A sentence is written with `say`: its fixed words and
 * the values in it go through the door's formatter (Slack escapes them), a `Raw` piece (a mention)
 * as it is. A sentence that tells the reader what to type names the door's own command, and says
 * it without syntax where nobody types (the API).
 */

/** A piece of a sentence already in the door's writing: a mention, or another rendered sentence. */
interface Raw {
  raw: string;
}

const sayWith =
  (fmt: Formatter) =>
  (fixed: TemplateStringsArray, ...values: (string | number | Raw)[]): string =>
    fixed.reduce((out, words, i) => {
      const value = values[i - 1];
      const piece = typeof value === "object" ? value.raw : fmt.text(String(value));
      return out + (i === 0 ? "" : piece) + fmt.text(words);
    }, "");

type Say = ReturnType<typeof sayWith>;

type Words<R extends Refusal> = (refusal: R, door: Door, say: Say) => string;

/** What a feature gate says was tried, and whether the one refused asks to have it done or for the permission. */
const GATED: Record<GatedAction, { doing: string; ask: "change" | "see" }> = {
  "team.view": { doing: "see the team", ask: "see" },
  "member.form": { doing: "manage members", ask: "change" },
  "audit.view": { doing: "read the audit log", ask: "see" },
  "member.add": { doing: "invite members", ask: "change" },
  "member.edit": { doing: "change members", ask: "change" },
  "member.change_role": { doing: "change members", ask: "change" },
  "member.remove": { doing: "remove members", ask: "change" },
  "invite.resend": { doing: "resend invites", ask: "change" },
  "invite.revoke": { doing: "cancel invites", ask: "change" },
  "permission.change": { doing: "change what roles may do", ask: "change" },
  "matrix.view_all": { doing: "see the whole permission matrix", ask: "see" },
  "apikey.view": { doing: "see the API key", ask: "see" },
  "apikey.rotate": { doing: "rotate the API key", ask: "change" },
  "grants.view_all": { doing: "see everyone's temporary access", ask: "see" },
};

/** What a rule-2 refusal says was tried on whom; `one` names one member rather than a whole role. */
const RANKED: Record<RankedAction, (who: string, one: boolean) => string> = {
  "member.form": (who) => `change ${who}`,
  "member.edit": (who) => `change ${who}`,
  "member.change_role": (who) => `change the role of ${who}`,
  "member.remove": (who) => `remove ${who}`,
  "invite.resend": (who, one) => `resend ${one ? "the invite" : "invites"} for ${who}`,
  "invite.revoke": (who, one) => `cancel ${one ? "the invite" : "invites"} for ${who}`,
};

/** " Create one with: rolecall init …" where the reader can run it. */
const createWith = (door: Door, words: string, say: Say, otherwise: string): string => {
  const command = door.operatorCommand(words);
  return command === null ? say`${otherwise}` : say` Create one with: ${command}`;
};

export const REFUSAL_WORDS: { [R in RefusalReason]: Words<Extract<Refusal, { reason: R }>> } = {
  not_a_member: (_r, _d, say) => say`You are not a member of this team. Ask an Owner to invite you.`,
  not_active: (_r, _d, say) =>
    say`You have not accepted your invite yet. Open the link in your invite email to join the team; if it has expired, ask an Owner to send a new one.`,
  slack_user_not_a_member: ({ email }, _d, say) =>
    say`You are not a member of this team (Slack knows you as ${email}). Ask an Owner to invite you.`,
  slack_user_linked_elsewhere: ({ email }, _d, say) =>
    say`Your address ${email} is linked to another Slack user on this team. Ask an Owner to check the team list.`,
  slack_email_unknown: (_r, _d, say) =>
    say`Slack did not share your email address with Rolecall, so it cannot tell which member you are. Ask an Owner.`,

  needs_permission: ({ action, permission, role }, _d, say) =>
    say`You need the ${PERMISSIONS[permission].label} permission to ${GATED[action].doing}, and ${roles(role)} don't have it. ${
      GATED[action].ask === "change" ? "Ask an Owner to do it for you." : "Ask an Owner if you need it."
    }`,
  owner_acts_on_owner: ({ action }, _d, say) =>
    say`Only Owners can ${RANKED[action]("an Owner", true)}. Ask an Owner to do it.`,
  acts_below_rank_only: ({ action, actorRole, targetRole }, _d, say) => {
    const what = RANKED[action];
    const lower = rolesBelow(actorRole).map(roles);
    const may =
      lower.length > 0
        ? `you can ${what(listWords(lower), false)} only`
        : `you can't ${what("other members", false)}`;
    const them = targetRole === actorRole ? `another ${ROLE_LABEL[targetRole]}` : aRole(targetRole);
    return say`As ${aRole(actorRole)} ${may}; ask an Owner to ${what(them, true)}.`;
  },
  owner_makes_owner: (_r, _d, say) => say`Only Owners can make someone an Owner. Ask an Owner to do it.`,
  assigns_below_rank_only: ({ actorRole, role }, _d, say) => {
    const lower = rolesBelow(actorRole).map(roles);
    const may =
      lower.length > 0
        ? `you can make people ${listWords(lower, "or")} only`
        : "you can't give anyone a role";
    const who = ROLES.filter((r) => isWithinHierarchy(r, role)).map(aRole);
    return say`As ${aRole(actorRole)} ${may}; only ${listWords(who, "or")} can make someone ${aRole(role)}.`;
  },
  own_role: ({ actorRole }, _d, say) =>
    say`Nobody can change their own role. Ask ${actorRole === "owner" ? "another" : "an"} Owner to change yours.`,
  own_removal: ({ actorRole }, _d, say) =>
    say`Nobody can remove themselves. Ask ${actorRole === "owner" ? "another" : "an"} Owner to remove you.`,
  owner_column_fixed: (_r, _d, say) =>
    say`Owners always have every permission; nobody can change what Owners may do.`,
  changes_below_rank_only: ({ actorRole, role }, _d, say) => {
    const lower = rolesBelow(actorRole).map(roles);
    const may =
      lower.length > 0
        ? `you can change only what ${listWords(lower)} may do`
        : "you can't change what any role may do";
    return say`As ${aRole(actorRole)} ${may}; ask an Owner to change what ${roles(role)} may do.`;
  },
  owners_only_settings: (_r, _d, say) => say`Only Owners can change settings. Ask an Owner to do it.`,
  owners_only_decide: (_r, _d, say) =>
    say`Only Owners can approve or reject change requests; an Owner will decide this one.`,
  owners_only_grant: (_r, door, say) => {
    const command = door.teamCommand("access <permission> for <duration>");
    return command === null
      ? say`Only Owners can grant temporary access. Ask the Owners for it yourself, or ask an Owner.`
      : say`Only Owners can grant temporary access. Ask for it yourself with ${command}, or ask an Owner.`;
  },
  owners_only_stop_key: (_r, _d, say) =>
    say`Only Owners can stop the key in use at once; rotate with a grace period (24 hours unless you choose) so services using it have time to switch.`,
  self_approval: (_r, _d, say) => say`You cannot decide your own request; another Owner must.`,
  requester_only_cancels: (_r, _d, say) =>
    say`Only the person who filed a request can cancel it; an Owner can reject it instead.`,
  owners_only_end_grant: (_r, _d, say) =>
    say`Only Owners can end someone else's temporary access. Ask an Owner to do it.`,

  last_owner: (_r, _d, say) =>
    say`The team must always keep an active Owner, and this would leave it with none. Make someone else an Owner first.`,

  second_owner_needed: (_r, _d, say) =>
    say`Four-eyes is on, so this change needs a second active Owner to approve it, and you are the only one: nobody can approve it yet. Four-eyes guards a team with two or more active Owners.`,
  second_owner_is_subject: ({ about }, _d, say) =>
    say`Four-eyes is on, so this change needs another active Owner to approve it, and the only other one is ${about}, whom it is about (nobody approves a change to their own role or their own removal). Make a third Owner first (${about} approves that); then the third Owner can approve this change.`,
  second_owner_requester_not_owner: (_r, _d, say) =>
    say`Four-eyes is on, so this change needs two Owners, and whoever asked for it is not an Owner: approving it would make you the only one. Make the change yourself instead; it then waits for another Owner's approval.`,

  no_such_member: ({ member }, door, say) =>
    "email" in member
      ? say`${member.email} is not a member of this team. Check the address, or invite them first.`
      : say`${{
          raw: door.fmt.person({
            email: `the Slack user ${member.slackUserId}`,
            slackUserId: member.slackUserId,
          }),
        }} is not a member of this team. Invite them first.`,
  not_on_team_any_more: ({ email }, _d, say) => say`${email} is not on the team any more.`,
  no_other_role: ({ email }, _d, say) => say`There is no other role you can give ${email} now.`,
  already_invited: ({ email }, _d, say) =>
    say`${email} is already invited; to send them a new link, resend the invite.`,
  already_member: ({ email }, _d, say) =>
    say`${email} is already a member of this team. Change their role or details instead.`,
  already_active: ({ email }, _d, say) => say`${email} is already active.`,
  already_joined: ({ email, action }, _d, say) =>
    say`${email} has already joined the team, so there is no invite to ${action === "invite.resend" ? "resend" : "cancel"}.`,
  invite_invalid: (_r, _d, say) => say`This invite link is not valid.`,
  invite_revoked: (_r, _d, say) => say`This invite was revoked or replaced by a newer one.`,
  invite_used: (_r, _d, say) => say`This invite has already been accepted.`,
  invite_expired: (_r, _d, say) => say`This invite has expired. Ask whoever invited you to send a new one.`,

  no_such_request: ({ id }, _d, say) =>
    say`There is no request ${id} on this team. Check its id in the list of requests.`,
  request_expired: (_r, _d, say) => say`This request has expired. Ask again if the change is still needed.`,
  request_closed_because: ({ outcome }, _d, say) => say`This request was closed: ${outcome}`,
  request_decided: ({ status, by }, _d, say) =>
    by === null
      ? say`This request was already ${status}.`
      : say`This request was already ${status} by ${by}.`,
  request_failed: ({ by }, _d, say) =>
    by === null
      ? say`This request was already approved, but it could not be applied.`
      : say`This request was already approved by ${by}, but it could not be applied.`,
  nothing_to_ask: ({ already }, door, say) =>
    say`Nothing to ask for: ${{ raw: alreadySo(already as AlreadySo, door.fmt) }}.`,
  nothing_to_change: ({ already }, door, say) =>
    say`Nothing to change: ${{ raw: alreadySo(already as AlreadySo, door.fmt) }}.`,
  shorter_for_grants_only: (_r, _d, say) =>
    say`Only a request for temporary access can be approved for a shorter time.`,
  approve_at_most: ({ minutes }, _d, say) =>
    say`You can approve ${durationWords(minutes)} or less: that is what was asked for.`,
  request_unreadable: (_r, _d, say) => say`This request could not be read; file it again.`,
  not_applied: (_r, _d, say) => say`Not applied.`,
  reason_too_long: ({ max }, _d, say) => say`A reason has at most ${max} characters.`,

  grant_too_long: ({ maxHours }, _d, say) =>
    say`Temporary access lasts at most ${durationWords(maxHours * 60)} from now. Ask for a shorter time (e.g. ${Math.min(maxHours, 24)}h), and extend it later if needed.`,
  no_such_grant: ({ email, permission }, door, say) => {
    const holder = email === null ? say`You have` : say`${email} has`;
    const command = door.teamCommand(`access ${permission} for <duration>`);
    return (
      holder +
      (command === null
        ? say` no temporary ${PERMISSIONS[permission].label} right now. Ask for new access instead.`
        : say` no temporary ${PERMISSIONS[permission].label} right now. Ask for new access instead: ${command}.`)
    );
  },
  grantee_not_active: ({ email }, _d, say) =>
    say`${email} has not joined yet; temporary access can go to active members only.`,
  grant_to_owner: ({ email }, _d, say) => say`${email} is an Owner; Owners hold every permission already.`,

  grace_hours_invalid: (_r, _d, say) => say`The grace period is a whole number of hours, at most 168.`,
  api_no_such_member: ({ email }, _d, say) => say`${email} is not a member of this team.`,

  not_installed: (_r, _d, say) =>
    say`Rolecall is not set up for this Slack workspace. Ask a workspace admin to install it.`,
  not_installed_here: ({ installUrl }, _d, say) =>
    say`Rolecall is not installed in this Slack workspace (or its access was removed). A workspace admin can add it at ${installUrl}`,
  no_account_for_team: ({ team }, door, say) =>
    say`No account is set up for Slack team ${team}.` +
    createWith(
      door,
      `init --slack-team ${team} --account <name> --owner <email>`,
      say,
      " An operator can create one.",
    ),
  no_account_yet: (_r, door, say) =>
    say`No account exists yet.` +
    createWith(
      door,
      "init --slack-team <TEAM_ID> --account <name> --owner <email>",
      say,
      " An operator can create one.",
    ),
  which_account: ({ count, accounts }, door, say) => {
    const named = accounts.map((a) => `${a.team} (${a.name})`);
    if (count > named.length) named.push(`and ${count - named.length} more`);
    const example = door.operatorCommand(`--team ${accounts[0]?.team} --as <email> whoami`);
    return example === null
      ? say`This database holds ${count} accounts: ${named.join(", ")}. Name the one you mean.`
      : say`This database holds ${count} accounts: ${named.join(", ")}. Name the one you mean with --team, e.g. ${example}`;
  },
  no_such_account: (_r, _d, say) => say`That account does not exist.`,
  no_account_named: ({ team }, _d, say) => say`No account for Slack team ${team}.`,
  account_exists: ({ team }, _d, say) => say`An account for Slack team ${team} already exists.`,
  account_changed: ({ team }, _d, say) =>
    say`The account for ${team} changed while you confirmed; nothing was deleted.`,
  installer_email_missing: (_r, _d, say) =>
    say`Rolecall needs the installer's email address to make them the team's first Owner, and Slack did not share it.`,

  invalid_input: (_r, _d, say) => say`Invalid input.`,
  change_unreadable: (_r, _d, say) => say`That change could not be read.`,
  input_issue: ({ issue }, _d, say) => say`${issue}`,
  no_such_command: ({ name }, _d, say) => say`There is no "${name}" command. Try "help" for the list.`,
  request_what: ({ commands }, _d, say) =>
    say`Ask for a change: ${commands.join(", ")}. For example: request role bob@acme.test admin`,
  request_usage: ({ usage }, _d, say) => say`Say exactly what to change. Usage: request ${usage}`,
  command_usage: ({ issue, usage }, _d, say) => say`${issue ?? "Invalid arguments."} Usage: ${usage}`,
  backup_sqlite_only: (_r, _d, say) =>
    say`backup copies a SQLite file; back up PostgreSQL with its own tools (pg_dump, or your provider's snapshots).`,
  unstorable_text: (_r, _d, say) =>
    say`That text has a character the database cannot store (such as a NUL); nothing was changed.`,

  busy: (_r, _d, say) =>
    say`Many changes are being made to this team right now; nothing was changed. Please try again in a moment.`,
  unavailable: (_r, _d, say) =>
    say`The database is not answering right now; nothing was changed. Please try again in a moment.`,
  unavailable_while_saving: (_r, _d, say) =>
    say`The database stopped answering while saving; the change may or may not have been saved. Check before trying again.`,
  unavailable_unreachable: ({ detail }, _d, say) =>
    say`Could not reach PostgreSQL (DATABASE_URL): ${detail}. Nothing was changed; try again once it answers.`,
};

/** The refusal in `door`'s words. */
export const refusalWords = (refusal: Refusal, door: Door): string =>
  (REFUSAL_WORDS[refusal.reason] as Words<Refusal>)(refusal, door, sayWith(door.fmt));

/** A refusal as the CLI's --json and the API show it: `{ code, message, field? }`, the message in `door`'s words. */
export const refusalJson = (
  error: CoreError,
  door: Door,
): { code: ErrorCode; message: string; field?: string } => error.said(refusalWords(error.refusal, door));

/** Any error a door shows: a refusal in its words; anything else as its message (callers decide). */
export const errorWords = (error: unknown, door: Door): string | null =>
  error instanceof CoreError ? refusalWords(error.refusal, door) : null;
