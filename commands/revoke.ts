import { defineMemberCommand } from "./lib/command.js";

export default defineMemberCommand({
  name: "revoke",
  summary: "Revoke a pending invite",
  act: (core, actor, member) => core.revokeInvite(actor, member),
});
