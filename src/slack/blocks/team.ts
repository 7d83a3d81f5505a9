import type { types } from "@slack/bolt";
import { z } from "zod";
import type { MemberAction, MemberRow, TeamPage } from "../../core/dashboard.js";
import type { MemberView } from "../../core/model.js";
import { ROLE_LABEL, ROLES, type Role } from "../../core/roles.js";
import { plural } from "../../words/en/common.js";
import { esc } from "../escape.js";
import { slackDate } from "../format.js";
import { IDS } from "../ids.js";
import { type Block, button, context, option, section } from "./kit.js";

/** Which page of which part of the team a list or App Home shows; it travels in buttons and menus. */
export const teamState = z.object({
  role: z.enum(ROLES).optional(),
  status: z.enum(["invited", "active"]).optional(),
  page: z.number().int().min(1).max(100_000),
});
export type TeamState = z.infer<typeof teamState>;

export const FIRST_PAGE: TeamState = { page: 1 };

/** The words for a row's menu, in the order the core lists the actions. */
export const MEMBER_ACTION_LABEL: Record<MemberAction, string> = {
  edit: "Edit",
  role: "Change role",
  resend: "Resend invite",
  revoke: "Cancel invite",
  remove: "Remove from team",
};

const mailState = (mail: NonNullable<MemberView["invite"]>["mail"]): string => {
  switch (mail) {
    case "failed":
      return ":warning: the invite email could not be delivered";
    case "sent":
      return "invite emailed";
    case "skipped":
      return "invite email not sent";
    default:
      return "invite email on its way";
  }
};

const inviteLine = (invite: NonNullable<MemberView["invite"]>): string =>
  invite.state === "expired"
    ? `:hourglass: invite expired ${slackDate(invite.expiresAt, "{date_short_pretty}")}`
    : `${mailState(invite.mail)}; it expires ${slackDate(invite.expiresAt, "{date_short_pretty}")}`;

/** One member in two lines: who (name, email, Slack user), then role, status and the invite's state. */
export const memberLine = (m: MemberView): string => {
  const who = m.name ? `*${esc(m.name)}* · ${esc(m.email)}` : `*${esc(m.email)}*`;
  const slack = m.slackUserId ? ` · <@${m.slackUserId}>` : "";
  const state =
    m.status === "invited" ? `Invited · ${m.invite ? inviteLine(m.invite) : "no invite sent"}` : "Active";
  return `${who}${slack}\n${ROLE_LABEL[m.role]} · ${state}`;
};

/** A row's menu: an overflow for two or more actions, a button for one, nothing for none. */
const rowAccessory = (actions: readonly MemberAction[]): types.Button | types.Overflow | undefined => {
  if (actions.length === 0) return undefined;
  if (actions.length === 1) {
    const only = actions[0] as MemberAction;
    return button(MEMBER_ACTION_LABEL[only], IDS.actions.memberAction, only);
  }
  return {
    type: "overflow",
    action_id: IDS.actions.memberAction,
    options: actions.map((a) => option(MEMBER_ACTION_LABEL[a], a)),
  };
};

/**
 * A member row. The row's block_id is the member's email (unique on a team, at most 254
 * characters), so the menu's value only needs to say which action.
 */
export const memberRow = ({ member, actions }: MemberRow): Block => {
  const accessory = rowAccessory(actions);
  return {
    type: "section",
    block_id: member.email,
    text: { type: "mrkdwn", text: memberLine(member) },
    ...(accessory ? { accessory } : {}),
  };
};

/** "32 members", or with a filter "29 of 32 members (invited)". */
export const teamCount = (page: Pick<TeamPage, "matching" | "total">, state: TeamState): string => {
  const filters = [state.role ? `${ROLE_LABEL[state.role]}s` : null, state.status ?? null].filter(Boolean);
  if (filters.length === 0) return plural(page.total, "member");
  return `${page.matching} of ${plural(page.total, "member")} (${filters.join(", ")})`;
};

const filterMenus = (state: TeamState): types.StaticSelect[] => {
  const keep = (patch: Partial<TeamState>) => JSON.stringify({ ...state, ...patch, page: 1 });
  const roleOptions = [
    option("Any role", keep({ role: undefined })),
    ...ROLES.map((r: Role) => option(`${ROLE_LABEL[r]}s`, keep({ role: r }))),
  ];
  const statusOptions = [
    option("Any status", keep({ status: undefined })),
    option("Active", keep({ status: "active" })),
    option("Invited", keep({ status: "invited" })),
  ];
  return [
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
  ];
};

/**
 * The team as rows with their menus, for `/team list` and App Home alike: a count, the filters
 * (with "+ Add member" first where the viewer may add), the rows, and Previous/Next.
 */
export const teamBlocks = (
  page: TeamPage,
  state: TeamState,
  size: number,
  options: { canAdd: boolean },
): Block[] => {
  const pages = Math.max(1, Math.ceil(page.matching / size));
  const controls: types.ActionsBlockElement[] = [
    ...(options.canAdd ? [button("+ Add member", IDS.actions.openAdd, "add", "primary")] : []),
    ...filterMenus(state),
  ];
  const blocks: Block[] = [
    { type: "actions", block_id: "team_controls", elements: controls },
    context(
      pages > 1 ? `${teamCount(page, state)} · page ${state.page} of ${pages}` : teamCount(page, state),
    ),
  ];
  if (page.rows.length === 0) blocks.push(section("_No members match._"));
  for (const row of page.rows) blocks.push(memberRow(row));
  if (pages > 1) {
    const nav: types.Button[] = [];
    if (state.page > 1)
      nav.push(button("Previous", IDS.actions.listPage, JSON.stringify({ ...state, page: state.page - 1 })));
    if (state.page < pages)
      nav.push(button("Next", IDS.actions.listPage, JSON.stringify({ ...state, page: state.page + 1 })));
    blocks.push({ type: "actions", block_id: "team_pages", elements: nav });
  }
  return blocks;
};
