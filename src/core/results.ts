import { aRole } from "../words/en/common.js";
import { type Formatter, plainFormatter } from "../words/format.js";
import type { ChangeResult } from "./decide.js";
import { ROLE_LABEL } from "./roles.js";

// Moved to src/words/format.ts; re-exported until the outcomes move there too (issue 26).
export { type Formatter, type PersonRef, plainFormatter } from "../words/format.js";

/** What already holds, for a change that would change nothing: "Admins already have Team Settings". */
export const alreadySo = (change: ChangeResult, fmt: Formatter = plainFormatter): string => {
  const role = change.role ? ROLE_LABEL[change.role] : "";
  switch (change.action) {
    case "member.unchanged": {
      const who = fmt.text(change.email ?? "");
      const fields = (change.detail ?? "").split(",").filter(Boolean);
      if (fields.length === 1 && fields[0] === "role" && change.role)
        return `${who} is already ${aRole(change.role)}`;
      const asked = fields.length > 0 ? fields : ["name", "phone", "role"];
      return `${who} already has that ${asked.slice(0, -1).join(", ")}${asked.length > 1 ? " and " : ""}${asked.at(-1)}`;
    }
    case "permission.unchanged":
      return change.role
        ? `${role}s already ${change.allowed ? "have" : "lack"} ${fmt.text(change.detail ?? "")}`
        : "the roles already have those permissions";
    case "grant.unchanged":
      return change.detail ?? "that is already so";
    case "setting.unchanged":
      if (change.detail?.startsWith("four-eyes "))
        return `${change.detail.replace("four-eyes", "four-eyes is already")}`;
      return change.detail === "none"
        ? "change requests already go to the Owners by direct message"
        : `change requests are already posted in ${fmt.channel(change.detail ?? "")}`;
    default:
      return "that is already so";
  }
};
