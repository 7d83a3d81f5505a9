import type { AccessCore } from "../../src/core/access-core.js";
import type { MemberRef } from "../../src/core/model.js";
import { isPermissionKey, PERMISSIONS } from "../../src/core/permissions.js";
import { isRole, ROLE_LABEL } from "../../src/core/roles.js";
import { channelIdOf, memberRefOf, splitFlags, unescapeEmail } from "./tokens.js";

const roleLabel = (role: string | undefined) => (role && isRole(role) ? ROLE_LABEL[role] : (role ?? "?"));

/**
 * What a requested change would do, in the words the Owners read before deciding: before → after,
 * and who is affected. Read-only; the change itself is checked again when approved.
 */
export const describeEffect = (core: AccessCore, accountId: string, words: readonly string[]): string => {
  const [name = "", ...rest] = words.map((w) => w.trim());
  const { positionals, flags } = splitFlags(rest);
  const who = (token: string | undefined) => {
    const ref: MemberRef = memberRefOf(token ?? "");
    const member = core.peekMember(accountId, ref);
    return { member, label: member?.email ?? ("email" in ref ? ref.email : `<@${ref.slackUserId}>`) };
  };
  switch (name.toLowerCase()) {
    case "add": {
      const role =
        positionals[1] && isRole(positionals[1].toLowerCase()) ? positionals[1].toLowerCase() : "teammate";
      return `Invites ${unescapeEmail(positionals[0] ?? "")} as ${roleLabel(role)}.`;
    }
    case "role": {
      const { member, label } = who(positionals[0]);
      return `${label}: ${roleLabel(member?.role)} → ${roleLabel(positionals[1]?.toLowerCase())}.`;
    }
    case "edit": {
      const { member, label } = who(positionals[0]);
      const parts = [...flags].map(([field, value]) => {
        const before =
          field === "role" ? roleLabel(member?.role) : field === "name" ? member?.name : member?.phone;
        return `${field} ${before ?? "none"} → ${field === "role" ? roleLabel(value.toLowerCase()) : value || "none"}`;
      });
      return `${label}: ${parts.join(", ")}.`;
    }
    case "remove": {
      const { member, label } = who(positionals[0]);
      return `Removes ${label}${member ? ` (${roleLabel(member.role)}, ${member.status})` : ""} from the team.`;
    }
    case "resend":
      return `Sends ${who(positionals[0]).label} a new invite link; the old one stops working.`;
    case "revoke":
      return `Revokes the invite for ${who(positionals[0]).label}.`;
    case "perms": {
      const [verb, role = "", permission = ""] = positionals.map((p) => p.toLowerCase());
      const key = permission.replaceAll("-", "_");
      const label = isPermissionKey(key) ? PERMISSIONS[key].label : permission;
      const affected = isRole(role) ? core.countActive(accountId, role) : 0;
      const change = verb === "grant" ? "off → on" : "on → off";
      return `${roleLabel(role)}s: ${label} ${change}. Affects ${affected} active member${affected === 1 ? "" : "s"}.`;
    }
    case "settings": {
      const value = positionals[1] ?? "";
      const target = ["none", "off", "clear"].includes(value.toLowerCase())
        ? "none (DMs to Owners)"
        : `channel ${channelIdOf(value)}`;
      return `Approvals channel → ${target}.`;
    }
    default:
      return words.join(" ");
  }
};
