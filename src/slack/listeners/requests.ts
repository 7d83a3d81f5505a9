import type { AckFn, ViewResponseAction } from "@slack/bolt";
import { z } from "zod";
import { CoreError } from "../../core/errors.js";
import type { ChangeRequest } from "../../core/model.js";
import { notAMember } from "../../core/policy.js";
import { accountKeyOf } from "../actor.js";
import { approveGrantModal, isGrantRequest } from "../blocks/grants.js";
import { resultMessage } from "../blocks/messages.js";
import { rejectRequestModal } from "../blocks/modals.js";
import {
  approvalMessage,
  approveClick,
  closedMessage,
  reconfirmMessage,
  requestFiledMessage,
} from "../blocks/requests.js";
import { openView } from "../clients.js";
import { IDS } from "../ids.js";
import { parsePayload } from "../payload.js";
import { logIfUnexpected, type SlackDeps, type SlackRegistry } from "./deps.js";
import { type ActionContext, confirmDecision, onAction, refuseForm } from "./handlers.js";

/**
 * Approve / Reject on request posts, Cancel for the requester, and Ask an Owner on refusals.
 * Every handler acknowledges first; the decision itself is taken in one transaction in the core,
 * so double clicks, two owners at once and Slack's redeliveries apply a change at most once.
 */
export const registerRequestActions = (app: SlackRegistry, deps: SlackDeps): void => {
  const { core, requestsChanged, deliverRequest } = deps;
  const handle = (actionId: string, work: (ctx: ActionContext) => Promise<void>) =>
    onAction(app, deps, actionId, work);

  // The post itself shows the outcome once Slack is told; the Owner who clicked hears it privately now.
  handle(IDS.actions.requestApprove, async ({ body, value, actor, reply, client }) => {
    const click = approveClick(value);
    // Temporary access is approved for the time asked, or less: a form asks how long.
    // A refusal here (decided, expired, not theirs to decide) is left to approve, which words it.
    const asked = await core.requests.forDecision(actor, click.id).catch(() => null);
    if (asked?.status === "pending" && isGrantRequest(asked)) {
      const meta = body.response_url
        ? { requestId: asked.id, responseUrl: body.response_url }
        : { requestId: asked.id };
      await openView(client, body.trigger_id, approveGrantModal(asked, meta));
      return;
    }
    // A post drawn without a confirmation, for a change that has become sensitive since: ask first.
    if (!click.confirmed) {
      const request = await core.requests.forDecision(actor, click.id);
      if (request.status === "pending" && (await core.requests.isSensitive(request))) {
        await reply(reconfirmMessage(request), false);
        return;
      }
    }
    const outcome = await core.requests.approve(actor, click.id);
    requestsChanged();
    await reply(approvalMessage(outcome), false);
  });

  handle(IDS.actions.requestReject, async ({ body, value, actor, client }) => {
    await core.requests.assertMayDecide(actor, value);
    await openView(client, body.trigger_id, rejectRequestModal(value, body.response_url));
  });

  handle(IDS.actions.requestCancel, async ({ value, actor, reply }) => {
    await reply(
      resultMessage({ type: "request_closed", request: await core.requests.cancel(actor, value) }),
      true,
    );
    requestsChanged();
  });

  handle(IDS.actions.requestAsk, async ({ value, actor, reply }) => {
    const intent = parsePayload(
      z.unknown(),
      value,
      "That request could not be read; type it with /team request.",
    );
    // The core checks the change in full (parseIntent), as for any other door.
    const request = await core.requests.file(actor, intent);
    await reply(requestFiledMessage(request, await deliverRequest(request)), true);
  });
};

const rejectMetadata = z.object({ requestId: z.string().min(1), responseUrl: z.url().optional() });

export const registerRejectView = (app: SlackRegistry, deps: SlackDeps): void => {
  const { core, actors, logger } = deps;
  app.view(IDS.views.rejectRequest, async ({ ack, body, view, context }) => {
    let meta: z.infer<typeof rejectMetadata>;
    let rejected: ChangeRequest;
    try {
      meta = parsePayload(
        rejectMetadata,
        view.private_metadata,
        "This form is out of date; click Reject on the request again.",
      );
      const actor = await actors.local({
        teamId: accountKeyOf(context, body.team?.id ?? view.team_id),
        userId: body.user.id,
      });
      if (!actor) throw notAMember();
      const reason = view.state.values[IDS.blocks.reason]?.[IDS.inputs.reason]?.value?.trim() || null;
      if (reason && reason.length > 500) throw new CoreError({ reason: "reason_too_long", max: 500 });
      rejected = await core.requests.reject(actor, meta.requestId, reason);
    } catch (error) {
      logIfUnexpected(logger, "reject request", error, context);
      await refuseForm(ack as AckFn<ViewResponseAction | undefined>, error, IDS.blocks.reason);
      return;
    }
    // The Owner who rejected hears it privately: where they clicked, or (from App Home) in the form.
    await confirmDecision(
      ack as AckFn<ViewResponseAction | undefined>,
      meta.responseUrl,
      closedMessage(rejected),
      deps,
    );
  });
};
