import { defineMemberCommand } from "./lib/command.js";

export default defineMemberCommand({
  name: "resend",
  summary: "Send a pending invite again with a new link (the old link stops working)",
  kind: "invite.resend",
});
