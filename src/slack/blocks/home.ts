import type { MemberList, PermissionsView, WhoAmI } from "../../core/access-core.js";
import type { ChangeRequest } from "../../core/model.js";
import { ROLE_LABEL } from "../../core/roles.js";
import { code, esc } from "../escape.js";
import { IDS } from "../ids.js";
import { type Block, button, context, divider, header, section, VIEW_BLOCK_LIMIT, type View } from "./kit.js";
import { matrixTable, memberLine, permissionLines } from "./messages.js";

export interface HomeContent {
  me: WhoAmI;
  team: MemberList | null;
  permissions: PermissionsView | null;
  /** Pending change requests this owner may decide. */
  requests: ChangeRequest[] | null;
}

/** App Home, per PRODUCT §6: you; the team for Team Settings holders; the matrix for Access Permissions holders. */
export const homeView = ({ me, team, permissions, requests }: HomeContent): View => {
  const blocks: Block[] = [
    header(`Rolecall — ${me.account.name}`),
    section(
      `You are *${ROLE_LABEL[me.role]}* (${esc(me.email)}).\n*Your permissions*\n${permissionLines(me.permissions)}`,
    ),
  ];
  if (team) {
    blocks.push(divider(), header(`Team — ${team.total} member${team.total === 1 ? "" : "s"}`));
    for (const m of team.members) blocks.push(section(memberLine(m)));
    if (team.total > team.members.length) {
      blocks.push(
        context(`…and ${team.total - team.members.length} more: \`/team list\` pages through them all.`),
      );
    }
    blocks.push({ type: "actions", elements: [button("Add member", IDS.actions.openAdd, "add", "primary")] });
  }
  if (permissions?.full) {
    blocks.push(divider(), header("Access permissions"), section(matrixTable(permissions.matrix)));
    if (permissions.editableRoles.length > 0) {
      blocks.push({
        type: "actions",
        elements: [button("Edit permissions", IDS.actions.openPermissions, "edit")],
      });
    }
  }
  if (requests) {
    blocks.push(divider(), header(`Pending requests — ${requests.length}`));
    if (requests.length === 0) blocks.push(section("_Nothing waits for you._"));
    for (const r of requests.slice(0, 15)) {
      blocks.push(section(`*${r.id}* from ${esc(r.requesterEmail)}: ${code(r.summary)}\n${esc(r.effect)}`));
    }
    if (requests.length > 0)
      blocks.push(context(`Approve or reject in the request's post, or ${code("/team approve <id>")}.`));
  }
  blocks.push(context("Type `/team help` anywhere for every command."));
  return { type: "home", blocks: blocks.slice(0, VIEW_BLOCK_LIMIT) };
};

export const notMemberHome = (reason: string): View => ({
  type: "home",
  blocks: [
    header("Rolecall"),
    section(`:no_entry_sign: ${esc(reason)}`),
    context("Ask an Owner of your team to invite you."),
  ],
});
