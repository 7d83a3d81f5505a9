import type { ChangeResult } from "../../src/core/decide.js";
import { ROLE_LABEL } from "../../src/core/roles.js";

/** One plain sentence for a change, shared by every surface. */
export const describeChange = (change: ChangeResult): string => {
  const who = change.email ?? "";
  const role = change.role ? ROLE_LABEL[change.role] : "";
  switch (change.action) {
    case "member.added":
      return `Invited ${who} as ${role}. The invite is queued for email.`;
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
    case "permission.granted":
      return `${role}s may now use ${change.detail}.`;
    case "permission.revoked":
      return `${role}s may no longer use ${change.detail}.`;
    case "setting.changed":
      return change.detail === "none"
        ? "Change requests will go to the Owners by direct message."
        : `Change requests will be posted in <#${change.detail}>.`;
    case "member.unchanged":
      return `Nothing to change: ${who} is already like that.`;
    case "permissions.changed":
      return `Saved ${change.detail} permission change${change.detail === "1" ? "" : "s"}.`;
    case "member.slack_linked":
      return `Linked ${who} to their Slack user.`;
    case "permission.unchanged":
      return "Nothing to change: the role already has that setting.";
    case "setting.unchanged":
      return "Nothing to change: that is already the setting.";
    default:
      return "Done.";
  }
};
