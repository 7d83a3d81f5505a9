import type { ChangeResult } from "../../src/core/decide.js";
import { alreadySo, type Formatter, plainFormatter } from "../../src/core/results.js";
import { ROLE_LABEL } from "../../src/core/roles.js";

export type { Formatter };

/** One sentence for a change, shared by every surface. */
export const describeChange = (change: ChangeResult, fmt: Formatter = plainFormatter): string => {
  const who = fmt.text(change.email ?? "");
  const role = change.role ? ROLE_LABEL[change.role] : "";
  const detail = fmt.text(change.detail ?? "");
  switch (change.action) {
    case "member.added":
      return `Invited ${who} as ${role}${change.name ? `, named ${fmt.text(change.name)}` : ""}. The invite is queued for email.`;
    case "member.edited":
      return `Updated ${who}.`;
    case "member.role_changed":
      return `${who} is now ${role}.`;
    case "member.removed":
      return `Removed ${who} from the team.`;
    case "invite.resent":
      return `Sent ${who} a new invite; the old link no longer works.`;
    case "invite.revoked":
      return `Revoked the invite for ${who}.`;
    case "member.activated":
      return `${who} is now active as ${role}.`;
    case "member.slack_linked":
      return `Linked ${who} to their Slack user.`;
    case "permission.granted":
      return `${role}s may now use ${detail}.`;
    case "permission.revoked":
      return `${role}s may no longer use ${detail}.`;
    case "permissions.changed":
      return `Saved ${detail} permission change${change.detail === "1" ? "" : "s"}.`;
    case "setting.changed":
      return change.detail === "none"
        ? "Change requests will go to the Owners by direct message."
        : `Change requests will be posted in ${fmt.channel(change.detail ?? "")}.`;
    case "member.unchanged":
    case "permission.unchanged":
    case "setting.unchanged":
      return `Nothing to change: ${alreadySo(change, fmt)}.`;
    default:
      return "Done.";
  }
};
