import type { App, RespondArguments } from "@slack/bolt";
import { tokenize } from "../../../commands/lib/tokens.js";
import type { SlackMessage } from "../blocks/kit.js";
import { errorMessage } from "../blocks/messages.js";
import { dispatch } from "../dispatch.js";
import { IDS } from "../ids.js";
import { logIfUnexpected, type SlackDeps } from "./deps.js";

/**
 * `/team`. When the user is already linked everything is local (SQLite, microseconds), so the reply
 * rides on the acknowledgement itself. Otherwise — and before any Web API call — it acknowledges
 * first and replies through the response_url, so a slow Slack never costs the 3-second deadline.
 */
export const registerTeamCommand = (app: App, { core, actors, logger }: SlackDeps): void => {
  app.command(IDS.command, async ({ command, ack, respond, client }) => {
    let acked = false;
    const ackFirst = async () => {
      if (acked) return;
      acked = true;
      await ack();
    };
    const send = async (message: SlackMessage) => {
      const reply: RespondArguments = { response_type: "ephemeral", ...message };
      if (acked) await respond(reply);
      else {
        acked = true;
        await ack(reply);
      }
    };
    try {
      const user = { teamId: command.team_id, userId: command.user_id };
      let actor = actors.local(user);
      if (!actor) {
        await ackFirst();
        actor = await actors.resolve(user, client);
      }
      const outcome = dispatch(core, actor, tokenize(command.text), { responseUrl: command.response_url });
      if (outcome.type === "message") {
        await send(outcome.message);
        return;
      }
      await ackFirst();
      await client.views.open({ trigger_id: command.trigger_id, view: outcome.view });
    } catch (error) {
      logIfUnexpected(logger, "/team", error);
      await send(errorMessage(error)).catch((e) => logger.warn("could not reply to /team:", e));
    }
  });
};
