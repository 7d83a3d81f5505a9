import type { CommandResult } from "../../../commands/index.js";
import { describeAsk, describeChange } from "../../../commands/lib/describe.js";
import { CoreError, type ErrorCode } from "../../core/errors.js";
import { changeIntentSchema, type RawChangeIntent } from "../../core/intents.js";
import type { ApiKeyInfo, AuditEntry, MemberView } from "../../core/model.js";
import { PERMISSION_KEYS, PERMISSIONS, type PermissionKey } from "../../core/permissions.js";
import { ROLE_LABEL, ROLES, type Role } from "../../core/roles.js";
import { humanDate } from "../../html.js";
import { SlackUnavailableError } from "../actor.js";
import { clip, code, entities, esc } from "../escape.js";
import { slackFormatter } from "../format.js";
import { IDS } from "../ids.js";
import {
  type Block,
  button,
  context,
  header,
  linesToSections,
  MESSAGE_BLOCK_LIMIT,
  option,
  type SlackMessage,
  section,
} from "./kit.js";
import { approvalMessage, closedMessage, requestFiledMessage, requestListMessage } from "./requests.js";
import { rotateConfirmation } from "./rotate.js";

export const memberLine = (m: MemberView): string => {
  const who = m.name ? `*${esc(m.name)}* — ${esc(m.email)}` : `*${esc(m.email)}*`;
  const mail = m.invite?.mail === "failed" ? ":warning: mail failed" : `mail ${m.invite?.mail ?? "none"}`;
  const invite = m.invite
    ? ` · invite ${m.invite.state} (${mail}), until ${m.invite.expiresAt.slice(0, 10)}`
    : "";
  const slack = m.slackUserId ? ` · <@${m.slackUserId}>` : "";
  return `${who}\n${ROLE_LABEL[m.role]} · ${m.status}${invite}${slack}`;
};

export const permissionLines = (keys: readonly PermissionKey[]): string =>
  keys.length === 0 ? "_none_" : keys.map((k) => `• ${PERMISSIONS[k].label}`).join("\n");

/** The matrix as a fixed-width table: rows are permissions, columns roles. */
export const matrixTable = (matrix: Partial<Record<Role, PermissionKey[]>>): string => {
  const roles = ROLES.filter((r) => matrix[r]);
  const width = Math.max(...PERMISSION_KEYS.map((k) => PERMISSIONS[k].label.length));
  const head = `${"".padEnd(width)}  ${roles.map((r) => ROLE_LABEL[r].padEnd(8)).join(" ")}`;
  const rows = PERMISSION_KEYS.map(
    (k) =>
      `${PERMISSIONS[k].label.padEnd(width)}  ${roles.map((r) => (matrix[r]?.includes(k) ? "✓" : "·").padEnd(8)).join(" ")}`,
  );
  return `\`\`\`${[head, ...rows].join("\n")}\`\`\``;
};

export interface ListPageState {
  role?: Role;
  status?: "invited" | "active";
  page: number;
}

const listFilters = (state: ListPageState): Block => {
  const keep = (patch: Partial<ListPageState>) => JSON.stringify({ ...state, ...patch, page: 1 });
  const roleOptions = [
    option("Any role", keep({ role: undefined })),
    ...ROLES.map((r) => option(ROLE_LABEL[r], keep({ role: r }))),
  ];
  const statusOptions = [
    option("Any status", keep({ status: undefined })),
    option("Active", keep({ status: "active" })),
    option("Invited", keep({ status: "invited" })),
  ];
  return {
    type: "actions",
    block_id: "list_filters",
    elements: [
      {
        type: "static_select",
        action_id: IDS.actions.listFilterRole,
        placeholder: { type: "plain_text", text: "Role" },
        options: roleOptions,
        initial_option: roleOptions[state.role ? ROLES.indexOf(state.role) + 1 : 0],
      },
      {
        type: "static_select",
        action_id: IDS.actions.listFilterStatus,
        placeholder: { type: "plain_text", text: "Status" },
        options: statusOptions,
        initial_option: statusOptions[state.status === "active" ? 1 : state.status === "invited" ? 2 : 0],
      },
    ],
  };
};

const listMessage = (result: Extract<CommandResult, { type: "list" }>): SlackMessage => {
  const size = result.pageSize ?? (result.members.length || 1);
  const state: ListPageState = {
    ...result.filter,
    page: Math.floor(result.offset / size) + 1,
  } as ListPageState;
  const pages = Math.max(1, Math.ceil(result.total / size));
  const blocks: Block[] = [
    header(`Team — ${result.total} member${result.total === 1 ? "" : "s"}`),
    listFilters(state),
  ];
  if (result.members.length === 0) blocks.push(section("_No members match._"));
  for (const m of result.members) blocks.push(section(memberLine(m)));
  if (pages > 1) {
    const nav = [];
    if (state.page > 1)
      nav.push(
        button("◀ Previous", IDS.actions.listPage, JSON.stringify({ ...state, page: state.page - 1 })),
      );
    if (state.page < pages)
      nav.push(button("Next ▶", IDS.actions.listPage, JSON.stringify({ ...state, page: state.page + 1 })));
    blocks.push(context(`Page ${state.page} of ${pages}`), {
      type: "actions",
      block_id: "list_pages",
      elements: nav,
    });
  }
  return { text: `Team: ${result.total} members`, blocks: blocks.slice(0, MESSAGE_BLOCK_LIMIT) };
};

export const auditEntryLine = (e: AuditEntry): string => {
  const change = (v: unknown) => (v === null || v === undefined ? "–" : code(JSON.stringify(v)));
  return `\`${e.at.slice(0, 16).replace("T", " ")}\` *${code(e.action)}* ${code(e.target)} by ${esc(e.actor)} (${e.source}) ${change(e.before)} → ${change(e.after)}`;
};

const auditMessage = (entries: AuditEntry[]): SlackMessage => {
  if (entries.length === 0)
    return { text: "The audit log is empty.", blocks: [section("The audit log is empty.")] };
  const newestFirst = [...entries].reverse();
  const { blocks, shown } = linesToSections(newestFirst.map(auditEntryLine), MESSAGE_BLOCK_LIMIT - 2);
  const more =
    shown < entries.length ? ` (showing the newest ${shown}; \`rolecall audit\` has them all)` : "";
  return {
    text: `The last ${entries.length} audit entries`,
    blocks: [header("Audit log"), ...blocks, context(`Newest first${more}.`)],
  };
};

/** A command result as an ephemeral Slack message. */
export const resultMessage = (result: CommandResult): SlackMessage => {
  switch (result.type) {
    case "help": {
      const lines = result.commands.map((c) => `${code(`/team ${c.usage}`)}\n${entities(c.summary)}`);
      return {
        text: "Rolecall commands",
        blocks: [header("/team commands"), ...linesToSections(lines, 40).blocks],
      };
    }
    case "whoami": {
      const w = result.whoami;
      return {
        text: `You are ${ROLE_LABEL[w.role]} on ${esc(w.account.name)}.`,
        blocks: [
          section(`You are *${ROLE_LABEL[w.role]}* on *${esc(w.account.name)}* (${esc(w.email)}).`),
          section(`*Your permissions*\n${permissionLines(w.permissions)}`),
        ],
      };
    }
    case "list":
      return listMessage(result);
    case "perms": {
      const { view } = result;
      const blocks: Block[] = [
        header(view.full ? "Access permissions" : "Your permissions"),
        section(matrixTable(view.matrix)),
      ];
      if (view.full)
        blocks.push(context("Owners always hold every permission; their column cannot be changed."));
      if (view.editableRoles.length > 0) {
        blocks.push({
          type: "actions",
          elements: [button("Edit permissions", IDS.actions.openPermissions, "edit", "primary")],
        });
      }
      return { text: "Access permissions", blocks };
    }
    case "change": {
      const sentence = describeChange(result.change, slackFormatter);
      return {
        text: sentence,
        blocks: [
          section(`${result.change.changed ? ":white_check_mark:" : ":information_source:"} ${sentence}`),
        ],
      };
    }
    case "audit":
      return auditMessage(result.entries);
    case "settings":
      return {
        text: "Settings",
        blocks: [
          section(
            `*Approvals channel:* ${result.approvalsChannel ? `<#${result.approvalsChannel}>` : "none — change requests go to the Owners by direct message"}`,
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
          : `The old key keeps working until ${humanDate(rotated.oldKeyWorksUntil)}.`;
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
      return requestFiledMessage(result.request, "waiting");
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
    .map((p) => `\nThe previous key \`${p.prefix}…\` works until ${humanDate(p.expiresAt)}.`)
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
    const blocks: Block[] = [section(`${ERROR_ICON[error.code]} ${esc(error.message)}`)];
    const ask = askFor ? askAnOwner(askFor) : null;
    if (ask) blocks.push(ask);
    return { text: esc(error.message), blocks };
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
        button("Cancel invite", IDS.actions.confirmRemove, named),
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
        button("Remove", IDS.actions.confirmRemove, named, "danger"),
        button("Cancel", IDS.actions.cancel, "cancel"),
      ],
    },
  ],
});
