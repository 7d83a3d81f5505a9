import { code, esc } from "../escape.js";
import { context, header, type SlackMessage, section } from "./kit.js";

/** The direct message a workspace's first Owner gets once Rolecall is installed: what to do next. */
export const welcomeMessage = (accountName: string, installerId: string): SlackMessage => {
  const name = esc(accountName);
  return {
    text: `Rolecall is ready in ${name}, and you are its first Owner.`,
    blocks: [
      header("Welcome to Rolecall"),
      section(
        `Rolecall is ready in *${name}*, and <@${installerId}> is its first Owner. Three steps to set it up:`,
      ),
      section(
        `*1. Invite your team.* ${code("/team add teammate@example.com admin Full Name")}, or ${code("/team add")} for a form. Each person gets an invite by email.`,
      ),
      section(
        `*2. Choose where change requests go.* ${code("/team settings approvals #channel")}. Until then, requests come to the Owners by direct message.`,
      ),
      section(
        `*3. Connect the rest of your product.* ${code("/team apikey rotate")} makes the organisation API key; it is shown once, so keep it safe.`,
      ),
      context(
        `${code("/team help")} lists every command. Your role and the team are also on Rolecall's Home tab.`,
      ),
    ],
  };
};
