import { humanDate } from "../html.js";
import type { ChangeResult } from "./decide.js";
import { ROLE_LABEL } from "./roles.js";
import { aRole } from "./words.js";

/** A person as a sentence names them: by Slack mention where linked, else by name or email. */
export interface PersonRef {
  email: string;
  name?: string | null;
  slackUserId?: string | null;
}

/**
 * How a surface shows user-typed text, channels, people and times (Slack escapes, links, mentions
 * and shows a time in the reader's own zone; a terminal prints them plainly, in UTC).
 */
export interface Formatter {
  text(value: string): string;
  channel(id: string): string;
  person(who: PersonRef): string;
  date(iso: string): string;
}

export const plainFormatter: Formatter = {
  text: (v) => v,
  channel: (id) => id,
  person: (who) => who.email,
  date: humanDate,
};

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
