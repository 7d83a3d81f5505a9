import { defineMemberCommand } from "./lib/command.js";

export default defineMemberCommand({
  name: "remove",
  summary: "Remove a member from the team (kept in the audit trail)",
  kind: "member.remove",
  confirm: true,
});
