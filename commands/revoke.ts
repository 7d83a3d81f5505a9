import { defineMemberCommand } from "./lib/command.js";

export default defineMemberCommand({
  name: "revoke",
  summary: "Revoke a pending invite",
  kind: "invite.revoke",
});
