import type { Invitation, TeamPage } from "../../core/dashboard.js";
import type { GrantList, PermissionsView, WhoAmI } from "../../core/index.js";
import type { ChangeRequest } from "../../core/model.js";
import { ROLE_LABEL } from "../../core/roles.js";
import { esc } from "../escape.js";
import { slackDate, slackFormatter } from "../format.js";
import { IDS } from "../ids.js";
import { grantBlocks, ownGrantBlocks } from "./grants.js";
import { type Block, button, context, divider, header, section, VIEW_BLOCK_LIMIT, type View } from "./kit.js";
import { matrixBlocks, ownPermissionsLine } from "./matrix.js";
import { asked, decisionButtons } from "./requests.js";
import { type TeamState, teamBlocks } from "./team.js";

/** Members on one page of App Home's team. */
export const HOME_PAGE_SIZE = 20;
/** Sections of the team's grants on App Home before "…and N more" (each holds many lines). */
export const HOME_GRANT_SECTIONS = 3;
/** Requests shown on App Home before "…and N more". */
export const HOME_REQUESTS = 5;

export interface HomeContent {
  me: WhoAmI;
  /** Pending requests the viewer may decide (Owners), and those they filed. */
  requests: { toDecide: ChangeRequest[]; filed: ChangeRequest[] };
  /** Whether approving a request asks for a confirmation first (a sensitive change). */
  sensitive: (request: ChangeRequest) => boolean;
  /** The team, for holders of Team Settings. */
  team: { page: TeamPage; state: TeamState; canAdd: boolean } | null;
  /** The whole matrix, for holders of Access Permissions. */
  permissions: PermissionsView | null;
  /** Active time-bound grants: the viewer's own, and the account's for those who may see them all. */
  grants: GrantList;
}

const requester = (r: ChangeRequest) =>
  slackFormatter.person({ email: r.requesterEmail, slackUserId: r.requesterSlackUserId });

const more = (shown: number, all: number, where: string): Block[] =>
  all > shown ? [context(`…and ${all - shown} more: ${where}.`)] : [];

/** What needs the viewer: requests to decide, with their buttons, and their own with Cancel. */
const needsYou = (
  { toDecide, filed }: HomeContent["requests"],
  sensitive: HomeContent["sensitive"],
): Block[] => {
  if (toDecide.length === 0 && filed.length === 0) return [section("_Nothing needs you right now._")];
  const blocks: Block[] = [];
  if (toDecide.length > 0) {
    blocks.push(section(`*Waiting for your decision* (${toDecide.length})`));
    for (const r of toDecide.slice(0, HOME_REQUESTS)) {
      blocks.push(
        section(
          `${requester(r)} asks ${asked(r)}\n${esc(r.effect)}\n_${r.id} · expires ${slackDate(r.expiresAt)}_`,
        ),
        decisionButtons(r, sensitive(r)),
      );
    }
    blocks.push(...more(HOME_REQUESTS, toDecide.length, "`/team requests` lists them all"));
  }
  if (filed.length > 0) {
    blocks.push(section(`*Your requests* (${filed.length})`));
    for (const r of filed.slice(0, HOME_REQUESTS)) {
      blocks.push({
        type: "section",
        block_id: `home_filed_${r.id}`,
        text: {
          type: "mrkdwn",
          text: `You asked ${asked(r)}\n${esc(r.effect)}\n_Waiting for an Owner · expires ${slackDate(r.expiresAt)}_`,
        },
        accessory: button("Cancel request", IDS.actions.requestCancel, r.id),
      });
    }
    blocks.push(...more(HOME_REQUESTS, filed.length, "`/team requests` lists them all"));
  }
  return blocks;
};

/**
 * App Home as the team dashboard, showing only what the viewer may do: first what needs them, then
 * who they are, then the team (Team Settings) and what roles may do (Access Permissions).
 */
export const homeView = (content: HomeContent): View => {
  const { me, team, permissions } = content;
  const blocks: Block[] = [
    header(`Rolecall · ${me.account.name}`),
    ...needsYou(content.requests, content.sensitive),
    divider(),
    section(`*You* (${esc(me.email)})\n${ownPermissionsLine(me.role, me.permissions)}`),
  ];
  if (content.grants.mine.length > 0)
    blocks.push(section("*Your temporary access*"), ...ownGrantBlocks(content.grants.mine));
  const all = content.grants.all;
  if (all && all.length > 0)
    blocks.push(
      divider(),
      header(`Temporary access (${all.length})`),
      ...grantBlocks(all, true, HOME_GRANT_SECTIONS),
    );
  if (team) {
    blocks.push(
      divider(),
      header("Team"),
      ...teamBlocks(team.page, team.state, HOME_PAGE_SIZE, { canAdd: team.canAdd }),
    );
  }
  if (permissions?.full) {
    blocks.push(divider(), header("Access permissions"), ...matrixBlocks(permissions.matrix));
    if (permissions.editableRoles.length > 0)
      blocks.push({
        type: "actions",
        elements: [button("Edit permissions", IDS.actions.openPermissions, "edit")],
      });
  }
  blocks.push(context("Type `/team help` for the commands you can use."));
  return {
    type: "home",
    // The page and filters the viewer chose, so a refresh after a change keeps them.
    private_metadata: JSON.stringify(team?.state ?? {}),
    blocks: blocks.slice(0, VIEW_BLOCK_LIMIT),
  };
};

/** An invited person's Home: their invite, and whom to ask for a new one. Nothing else. */
export const invitedHome = (invite: Invitation): View => {
  const from = invite.inviter ? slackFormatter.person(invite.inviter) : "an Owner";
  const asked = invite.inviter ? from : "an Owner";
  const where =
    invite.state === "expired"
      ? `Your invite from ${from} to join *${esc(invite.accountName)}* as ${ROLE_LABEL[invite.role]} expired ${slackDate(invite.expiresAt)}. Ask ${asked} for a new one.`
      : invite.mail === "failed"
        ? `${from} invited you to join *${esc(invite.accountName)}* as ${ROLE_LABEL[invite.role]}, but the email could not be delivered. Ask ${asked} to send it again.`
        : `Your invite from ${from} to join *${esc(invite.accountName)}* as ${ROLE_LABEL[invite.role]} is in your inbox (sent ${slackDate(invite.sentAt)}). Open the link in it to join — or ask ${asked} for a new one.`;
  return {
    type: "home",
    blocks: [
      header("Rolecall"),
      section(`:envelope: ${where}`),
      context(`It expires ${slackDate(invite.expiresAt)}.`),
    ],
  };
};

/** Someone Rolecall does not know on this workspace: why, and what to do. */
/** `reason`: a refusal in Slack's words (escaped already). */
export const notMemberHome = (reason: string): View => ({
  type: "home",
  blocks: [header("Rolecall"), section(`:wave: ${reason}`)],
});
