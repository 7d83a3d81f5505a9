import type { RespondArguments, webApi } from "@slack/bolt";
import { changeToAskFor, helpResult } from "../../../commands/index.js";
import { slackCommandWords } from "../../../commands/lib/tokens.js";
import type { Action } from "../../core/authz.js";
import { CoreError } from "../../core/errors.js";
import type { ActorContext } from "../../core/index.js";
import { accountKeyOf, SlackUnavailableError, type SlackUser } from "../actor.js";
import type { SlackMessage } from "../blocks/kit.js";
import { errorMessage, resultMessage } from "../blocks/messages.js";
import { requestFiledMessage } from "../blocks/requests.js";
import { openView } from "../clients.js";
import { dispatch } from "../dispatch.js";
import { IDS } from "../ids.js";
import { logIfUnexpected, type SlackDeps, type SlackRegistry } from "./deps.js";

/**
 * `/team`. When the user is already linked everything is local (SQLite, microseconds), so the reply
 * rides on the acknowledgement itself. Otherwise — and before any Web API call — it acknowledges
 * first and replies through the response_url, so a slow Slack never costs the 3-second deadline.
 * Whatever else is slow (a change waiting its turn on a busy account, a slow database) is cut off the
 * same way at ACK_DEADLINE_MS: Slack gets its acknowledgement, and the reply follows.
 */
const ACK_DEADLINE_MS = 2_000;

export const registerTeamCommand = (
  app: SlackRegistry,
  { core, actors, logger, deliverRequest }: SlackDeps,
): void => {
  /** What a reader may do, for help: null when they are not an active member of this team. */
  const readersActions = async (
    user: SlackUser,
    client: webApi.WebClient,
    ackFirst: () => Promise<void>,
  ): Promise<ReadonlySet<Action> | null | undefined> => {
    try {
      let actor = await actors.local(user);
      if (!actor) {
        await ackFirst();
        actor = await actors.resolve(user, client);
      }
      return new Set(await core.dashboard.allowed(actor));
    } catch (error) {
      if (error instanceof CoreError) return null;
      // Slack could not say who this is: every command, rather than a wrong "you are not on the team".
      if (error instanceof SlackUnavailableError) return undefined;
      throw error;
    }
  };

  app.command(IDS.command, async ({ command, ack, respond, client, context }) => {
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
    let words: string[] = [];
    let actor: ActorContext | null = null;
    const deadline = setTimeout(
      () => void ackFirst().catch((e) => logger.warn("could not acknowledge /team:", e)),
      ACK_DEADLINE_MS,
    );
    try {
      words = slackCommandWords(command.text);
      const user = { teamId: accountKeyOf(context, command.team_id), userId: command.user_id };
      // Usage is for everyone, members or not; each sees the commands they can run.
      if (words.length === 0 || words[0]?.toLowerCase() === "help") {
        await send(resultMessage(helpResult(await readersActions(user, client, ackFirst))));
        return;
      }
      actor = await actors.local(user);
      if (!actor) {
        await ackFirst();
        actor = await actors.resolve(user, client);
      }
      const mentioned = await actors.unlinkedMentions(actor.accountId, words);
      if (mentioned.length > 0) {
        await ackFirst();
        await actors.linkMentioned(actor.accountId, mentioned, client);
      }
      const outcome = await dispatch(core, actor, words, { responseUrl: command.response_url });
      if (outcome.type === "message") {
        await send(outcome.message);
        return;
      }
      if (outcome.type === "filed") {
        await ackFirst();
        await send(
          requestFiledMessage(outcome.request, await deliverRequest(outcome.request), {
            fourEyes: outcome.fourEyes,
          }),
        );
        return;
      }
      await ackFirst();
      await openView(client, command.trigger_id, outcome.view);
    } catch (error) {
      logIfUnexpected(logger, "/team", error, context);
      const askFor = actor ? await changeToAskFor({ core, actor }, words, error) : null;
      await send(errorMessage(error, askFor)).catch((e) => logger.warn("could not reply to /team:", e));
    } finally {
      clearTimeout(deadline);
    }
  });
};
