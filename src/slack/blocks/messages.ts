import { HELP_GROUP_TITLE } from "../../../commands/help.js";
import type { CommandResult } from "../../../commands/index.js";
import { HELP_GROUPS, type HelpEntry } from "../../../commands/lib/command.js";
import { CoreError, type ErrorCode, TEMPORARY_CODES } from "../../core/errors.js";
import { changeIntentSchema, type RawChangeIntent } from "../../core/intents.js";
import type { ApiKeyInfo } from "../../core/model.js";
import { ROLE_LABEL, type Role } from "../../core/roles.js";
import { describeAsk } from "../../words/en/intents.js";
import { refusalWords } from "../../words/en/refusals.js";
import { SlackUnavailableError } from "../actor.js";
import { clip, code, esc } from "../escape.js";
import { slackDate, slackDoor, slackFormatter } from "../format.js";
import { IDS } from "../ids.js";
import { auditMessage, auditRowsMessage } from "./audit.js";
import { changeSentence, grantsMessage, permissionLabel } from "./grants.js";
import {
  type Block,
  button,
  context,
  header,
  linesToSections,
  MESSAGE_BLOCK_LIMIT,
  type SlackMessage,
  section,
} from "./kit.js";
import { matrixBlocks, matrixSummary, ownPermissionsLine, permissionsPhrase } from "./matrix.js";
import { approvalMessage, closedMessage, requestFiledMessage, requestListMessage } from "./requests.js";
import { rotateConfirmation } from "./rotate.js";
import { type TeamState, teamBlocks, teamCount } from "./team.js";

/** Help, grouped (Everyday · Managing the team · Requests); for a reader, only what they can run. */
const helpMessage = (commands: readonly HelpEntry[], forReader: boolean): SlackMessage => {
  const blocks: Block[] = [header("/team commands")];
  for (const group of HELP_GROUPS) {
    const lines = commands
      .filter((c) => c.group === group)
      .map((c) => `${code(`/team ${c.usage}`)}\n${esc(c.summary)}`);
    if (lines.length > 0)
      blocks.push(section(`*${HELP_GROUP_TITLE[group]}*`), ...linesToSections(lines, 10).blocks);
  }
  if (forReader && !commands.some((c) => c.group !== "everyday" || c.usage !== "help"))
    blocks.push(context("More commands appear here once you have joined this team."));
  else if (forReader) blocks.push(context("Only the commands you can use are listed."));
  return { text: "Rolecall commands", blocks };
};

const listMessage = (result: Extract<CommandResult, { type: "list" }>): SlackMessage => {
  const size = result.pageSize ?? (result.rows.length || 1);
  const state: TeamState = { ...result.filter, page: Math.floor(result.offset / size) + 1 } as TeamState;
  const count = teamCount(result, state);
  return {
    text: `Team: ${count}`,
    blocks: [header("Team"), ...teamBlocks(result, state, size, { canAdd: false })].slice(
      0,
      MESSAGE_BLOCK_LIMIT,
    ),
  };
};

/** A command result as an ephemeral Slack message. */
export const resultMessage = (result: CommandResult): SlackMessage => {
  switch (result.type) {
    case "help":
      return helpMessage(result.commands, result.forReader);
    case "whoami": {
      const w = result.whoami;
      const grants = w.grants.map(
        (g) =>
          `*${permissionLabel(g.permission)}* until ${slackDate(g.endsAt)} (granted by ${esc(g.grantedBy)})`,
      );
      return {
        text: `You are ${ROLE_LABEL[w.role]} on ${esc(w.account.name)}.`,
        blocks: [
          section(
            `You are *${ROLE_LABEL[w.role]}* on *${esc(w.account.name)}* (${esc(w.email)}).\n*Your permissions:* ${permissionsPhrase(w.permissions)}`,
          ),
          ...(grants.length > 0 ? [section(`*Temporary access:*\n${grants.join("\n")}`)] : []),
        ],
      };
    }
    case "list":
      return listMessage(result);
    case "perms": {
      const { view } = result;
      const own = Object.entries(view.matrix)[0];
      const blocks: Block[] = view.full
        ? [header("Access permissions"), ...matrixBlocks(view.matrix)]
        : [section(own ? ownPermissionsLine(own[0] as Role, own[1]) : "_No permissions._")];
      if (view.editableRoles.length > 0) {
        blocks.push({
          type: "actions",
          elements: [button("Edit permissions", IDS.actions.openPermissions, "edit", "primary")],
        });
      }
      return {
        text: view.full
          ? matrixSummary(view.matrix)
          : `Your permissions: ${own ? permissionsPhrase(own[1]) : "none"}`,
        blocks,
      };
    }
    case "change": {
      const sentence = changeSentence(result.change);
      return {
        text: sentence,
        blocks: [
          section(`${result.change.changed ? ":white_check_mark:" : ":information_source:"} ${sentence}`),
        ],
      };
    }
    case "audit":
      return auditRowsMessage(result.entries);
    case "audit_changes":
      return auditMessage(result.page, result.last);
    case "grants":
      return grantsMessage(result.grants);
    case "settings":
      return {
        text: `Settings: four-eyes is ${result.fourEyes ? "on" : "off"}`,
        blocks: [
          section(
            `*Approvals channel:* ${result.approvalsChannel ? `<#${result.approvalsChannel}>` : "none — change requests go to the Owners by direct message"}\n*Four-eyes:* ${
              result.fourEyes
                ? "on — making or removing an Owner, changing Team Settings or Access Permissions, granting them, rotating the API key without grace and turning four-eyes off wait for a second Owner's approval"
                : "off — Owners' changes apply at once"
            }`,
          ),
        ],
      };
    case "apikey":
      return apiKeyMessage(result.key);
    case "apikey_rotated": {
      const { rotated } = result;
      const old =
        rotated.oldKeyWorksUntil === "now"
          ? "The old key stopped working."
          : `The old key keeps working until ${slackDate(rotated.oldKeyWorksUntil)}.`;
      return {
        text: "New organisation API key",
        blocks: [
          section(
            `:key: *New organisation API key* — shown only now; copy it somewhere safe:\n\`\`\`${rotated.apiKey}\`\`\``,
          ),
          context(old),
        ],
      };
    }
    case "request_filed":
      return requestFiledMessage(result.request, "waiting", { fourEyes: result.fourEyes === true });
    case "requests":
      return requestListMessage(result.toDecide, result.filed);
    case "request_approved":
      return approvalMessage(result.outcome);
    case "request_closed":
      return closedMessage(result.request);
    case "confirm":
      return result.confirm.kind === "remove"
        ? removeConfirmation(result.confirm.email, result.confirm.invited)
        : rotateConfirmation(result.confirm.choices);
    case "form":
      return { text: "", blocks: [] };
  }
};

const apiKeyMessage = (key: ApiKeyInfo): SlackMessage => {
  const days = Math.floor((Date.now() - new Date(key.createdAt).getTime()) / 86_400_000);
  const age = days <= 0 ? "today" : days === 1 ? "1 day ago" : `${days} days ago`;
  const previous = key.previous
    .map((p) => `\nThe previous key \`${p.prefix}…\` works until ${slackDate(p.expiresAt)}.`)
    .join("");
  return {
    text: `Organisation API key ${key.prefix}…`,
    blocks: [
      section(`*Organisation API key:* \`${key.prefix}…\`, created ${age}.${previous}`),
      { type: "actions", elements: [button("Rotate…", IDS.actions.apiKeyAsk, "ask")] },
    ],
  };
};

const BAD_INPUT = ":warning:";
const REFUSED = ":no_entry_sign:";
const NOT_FOUND = ":mag:";
const CLOSED = ":lock:";

/** The icon a refusal leads with; exhaustive, so a new code must be classified to compile. */
export const ERROR_ICON = {
  INVALID_INPUT: BAD_INPUT,
  GRANT_TOO_LONG: BAD_INPUT,
  NOT_A_MEMBER: REFUSED,
  NOT_ACTIVE: REFUSED,
  FORBIDDEN: REFUSED,
  RANK_TOO_LOW: REFUSED,
  OWN_ROLE: REFUSED,
  LAST_OWNER: REFUSED,
  SELF_APPROVAL: REFUSED,
  ALREADY_MEMBER: REFUSED,
  SECOND_OWNER_NEEDED: ":busts_in_silhouette:",
  NO_SUCH_MEMBER: NOT_FOUND,
  NO_SUCH_GRANT: NOT_FOUND,
  REQUEST_CLOSED: CLOSED,
  INVITE_INVALID: CLOSED,
  INVITE_EXPIRED: CLOSED,
  INVITE_USED: CLOSED,
  NOT_INSTALLED: ":electric_plug:",
  BUSY: ":hourglass:",
  UNAVAILABLE: ":hourglass:",
} as const satisfies Record<ErrorCode, string>;

/**
 * "Ask an Owner" beside the request it files, in words ("Ask an Owner to make tom@acme.test an
 * Admin"). The button carries the typed change itself, so the request filed is exactly what was
 * refused; none when it cannot be read back or would not fit on a button.
 */
const askAnOwner = (askFor: RawChangeIntent): Block | null => {
  const intent = changeIntentSchema.safeParse(askFor);
  const value = JSON.stringify(askFor);
  if (!intent.success || value.length > 2000) return null;
  return {
    type: "section",
    text: {
      type: "mrkdwn",
      text: clip(
        `Ask an Owner to ${describeAsk(intent.data, slackFormatter)}? An Owner approves or rejects it, and you are told which.`,
      ),
    },
    accessory: button("Ask an Owner", IDS.actions.requestAsk, value, "primary"),
  };
};

/**
 * A refusal or failure as an ephemeral message; anything but a CoreError is our fault and says so.
 * It says what is wrong and what to do in words — the stable code stays with the CLI's --json and
 * the API, never in Slack. With `askFor` (the typed change that was refused, when an Owner could
 * grant it), it also offers "Ask an Owner", which files it as a change request.
 */
export const errorMessage = (error: unknown, askFor: RawChangeIntent | null = null): SlackMessage => {
  if (error instanceof CoreError) {
    const said = refusalWords(error.refusal, slackDoor);
    if (TEMPORARY_CODES.has(error.code))
      return { text: said, blocks: [section(`${ERROR_ICON[error.code]} ${said}`)] };
    const blocks: Block[] = [section(`${ERROR_ICON[error.code]} ${said}`)];
    const ask = askFor ? askAnOwner(askFor) : null;
    if (ask) blocks.push(ask);
    return { text: said, blocks };
  }
  if (error instanceof SlackUnavailableError) {
    return { text: esc(error.message), blocks: [section(`:hourglass: ${esc(error.message)}`)] };
  }
  return {
    text: "Something went wrong on our side; nothing was changed.",
    blocks: [section(":boom: Something went wrong on our side; nothing was changed. Please try again.")],
  };
};

/**
 * "Are you sure?" before a removal. Removing someone who has not joined yet cancels their invite,
 * and says so in those words — no red button, since nobody loses access they had.
 */
export const removeConfirmation = (named: string, invited: boolean): SlackMessage =>
  invited ? cancelInviteConfirmation(named) : removeMemberConfirmation(named);

const cancelInviteConfirmation = (named: string): SlackMessage => ({
  text: `Cancel the invite for ${esc(named)}?`,
  blocks: [
    section(`Cancel the invite for *${esc(named)}*? The link in their email stops working.`),
    {
      type: "actions",
      elements: [
        button("Cancel invite", IDS.actions.confirmRemove, JSON.stringify({ email: named, kind: "revoke" })),
        button("Keep invite", IDS.actions.cancel, "cancel"),
      ],
    },
  ],
});

const removeMemberConfirmation = (named: string): SlackMessage => ({
  text: `Remove ${esc(named)}?`,
  blocks: [
    section(
      `Remove *${esc(named)}* from the team? They lose access at once; the audit trail keeps their history.`,
    ),
    {
      type: "actions",
      elements: [
        button(
          "Remove",
          IDS.actions.confirmRemove,
          JSON.stringify({ email: named, kind: "remove" }),
          "danger",
        ),
        button("Cancel", IDS.actions.cancel, "cancel"),
      ],
    },
  ],
});
