import type { BlockAction, ButtonAction, webApi } from "@slack/bolt";
import { z } from "zod";
import { runCommand } from "../../../commands/index.js";
import { CoreError } from "../../core/errors.js";
import { errorMessage, resultMessage } from "../blocks/messages.js";
import { rejectRequestModal } from "../blocks/modals.js";
import { requestFiledMessage } from "../blocks/requests.js";
import { openView } from "../clients.js";
import { IDS } from "../ids.js";
import { parsePayload } from "../payload.js";
import { logIfUnexpected, type SlackDeps, type SlackRegistry } from "./deps.js";

/**
 * Approve / Reject on request posts, Cancel for the requester, and Ask an Owner on refusals.
 * Every handler acknowledges first; the decision itself is taken in one transaction in the core,
 * so double clicks, two owners at once and Slack's redeliveries apply a change at most once.
 */
export const registerRequestActions = (
  app: SlackRegistry,
  { core, actors, logger, requestsChanged, deliverRequest }: SlackDeps,
): void => {
  const handle = (
    actionId: string,
    work: (args: {
      body: BlockAction<ButtonAction>;
      value: string;
      actor: Awaited<ReturnType<typeof actors.resolve>>;
      client: webApi.WebClient;
      say: (m: ReturnType<typeof resultMessage>, replace: boolean) => Promise<void>;
    }) => Promise<void>,
  ) => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, client }) => {
      await ack();
      const say = async (message: ReturnType<typeof resultMessage>, replace: boolean) => {
        await respond({ response_type: "ephemeral", replace_original: replace, ...message });
      };
      try {
        const actor = await actors.resolve({ teamId: body.team?.id, userId: body.user.id }, client);
        await work({ body, value: action.value ?? "", actor, client, say });
      } catch (error) {
        logIfUnexpected(logger, actionId, error);
        // Refusals go only to whoever clicked; the post stays as it is for everyone else.
        await say(errorMessage(error), false).catch((e) => logger.warn(`could not answer ${actionId}:`, e));
      }
    });
  };

  handle(IDS.actions.requestApprove, async ({ value, actor }) => {
    core.requests.approve(actor, value);
    requestsChanged();
  });

  handle(IDS.actions.requestReject, async ({ body, value, actor, client }) => {
    core.requests.assertMayDecide(actor, value);
    await openView(client, body.trigger_id, rejectRequestModal(value));
  });

  handle(IDS.actions.requestCancel, async ({ value, actor, say }) => {
    await say(resultMessage(runCommand({ core, actor }, ["cancel", value])), true);
    requestsChanged();
  });

  handle(IDS.actions.requestAsk, async ({ value, actor, say }) => {
    const intent = parsePayload(
      z.unknown(),
      value,
      "That request could not be read; type it with /team request.",
    );
    // The core checks the change in full (parseIntent), as for any other door.
    const request = core.requests.file(actor, intent);
    await say(requestFiledMessage(request, await deliverRequest(request)), true);
  });
};

const rejectMetadata = z.object({ requestId: z.string().min(1) });

export const registerRejectView = (
  app: SlackRegistry,
  { core, actors, logger, requestsChanged }: SlackDeps,
): void => {
  app.view(IDS.views.rejectRequest, async ({ ack, body, view }) => {
    let requestId = "";
    try {
      requestId = parsePayload(
        rejectMetadata,
        view.private_metadata,
        "This form is out of date; click Reject on the request again.",
      ).requestId;
      const actor = actors.local({ teamId: body.team?.id ?? view.team_id, userId: body.user.id });
      if (!actor) throw new CoreError("NOT_A_MEMBER", "Rolecall does not know you on this team.");
      const reason = view.state.values[IDS.blocks.reason]?.[IDS.inputs.reason]?.value?.trim() || null;
      if (reason && reason.length > 500)
        throw new CoreError("INVALID_INPUT", "A reason has at most 500 characters.");
      core.requests.reject(actor, requestId, reason);
    } catch (error) {
      logIfUnexpected(logger, "reject request", error);
      const message =
        error instanceof CoreError ? error.message : "Something went wrong on our side; nothing was changed.";
      await ack({ response_action: "errors", errors: { [IDS.blocks.reason]: message } });
      return;
    }
    await ack();
    requestsChanged();
  });
};
