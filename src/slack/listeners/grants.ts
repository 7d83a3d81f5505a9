import type { AckFn, ViewOutput, ViewResponseAction } from "@slack/bolt";
import { z } from "zod";
import { type ActorContext, type ApprovalOutcome, unexpectedAnswer } from "../../core/index.js";
import { durationSchema, parseInput } from "../../core/input.js";
import { PERMISSION_KEYS } from "../../core/permissions.js";
import { notAMember } from "../../core/policy.js";
import { accountKeyOf } from "../actor.js";
import {
  type ApproveMetadata,
  type ExtendMetadata,
  extendGrantModal,
  permissionLabel,
} from "../blocks/grants.js";
import { type Block, section } from "../blocks/kit.js";
import { messageModal } from "../blocks/modals.js";
import { approvalMessage, requestFiledMessage } from "../blocks/requests.js";
import { openView } from "../clients.js";
import { IDS } from "../ids.js";
import { parsePayload } from "../payload.js";
import { respondLater } from "../respond.js";
import { logIfUnexpected, type SlackDeps, type SlackRegistry } from "./deps.js";
import { confirmDecision, onAction, refuseForm } from "./handlers.js";

const extendClick = z.strictObject({ permission: z.enum(PERMISSION_KEYS) });
const extendMetadata = z.object({
  permission: z.enum(PERMISSION_KEYS),
  responseUrl: z.url().optional(),
}) satisfies z.ZodType<ExtendMetadata>;
const approveMetadata = z.object({
  requestId: z.string().min(1).max(20),
  responseUrl: z.url().optional(),
}) satisfies z.ZodType<ApproveMetadata>;

/** The duration typed in a grant form, in minutes; a refusal names the field ("minutes"). */
const typedMinutes = (view: ViewOutput): number =>
  parseInput(
    durationSchema,
    view.state.values[IDS.blocks.duration]?.[IDS.inputs.duration]?.value ?? "",
    "minutes",
  );

/**
 * Time-bound grants in Slack: Extend on the holder's reminder asks the Owners for more time (a
 * `grant.extend` request, delivered like any other), and an Owner approves a grant request in a form
 * that takes the time asked, or less. The core decides everything; a refusal shows on the field.
 */
export const registerGrantActions = (app: SlackRegistry, deps: SlackDeps): void => {
  const { core, actors, logger, clock, deliverRequest } = deps;

  // Extend: a form prefilled with the grant's own length, never more than GRANT_MAX_HOURS allows.
  onAction(app, deps, IDS.actions.grantExtend, async ({ body, value, actor, client }) => {
    const { permission } = parsePayload(
      extendClick,
      value,
      "That Extend button could not be read; ask with /team access.",
    );
    const { grant, minutes } = await core.grants.extension(actor, permission);
    const now = clock.now();
    const meta: ExtendMetadata = body.response_url
      ? { permission, responseUrl: body.response_url }
      : { permission };
    await openView(client, body.trigger_id, extendGrantModal(grant, minutes, now, meta));
  });

  /** The member who submitted a form, known locally (they were resolved when it opened). */
  const submitter = async (
    body: { team?: { id: string } | null; user: { id: string } },
    view: ViewOutput,
    context: Parameters<typeof accountKeyOf>[0],
  ): Promise<ActorContext> => {
    const actor = await actors.local({
      teamId: accountKeyOf(context, body.team?.id ?? view.team_id),
      userId: body.user.id,
    });
    if (!actor) throw notAMember();
    return actor;
  };

  app.view(IDS.views.extendGrant, async ({ ack, body, view, context, client }) => {
    const answer = ack as AckFn<ViewResponseAction | undefined>;
    let meta: ExtendMetadata;
    let request: Awaited<ReturnType<typeof core.requests.file>>;
    try {
      meta = parsePayload(
        extendMetadata,
        view.private_metadata,
        "This form is out of date; click Extend again.",
      );
      const actor = await submitter(body, view, context);
      const minutes = typedMinutes(view);
      request = await core.requests.file(actor, {
        kind: "grant.extend",
        member: actor.actor,
        permission: meta.permission,
        minutes,
      });
    } catch (error) {
      logIfUnexpected(logger, "extend a grant", error, context);
      await refuseForm(answer, error, IDS.blocks.duration);
      return;
    }
    const filed: Block[] = [
      section(
        `:outbox_tray: Your request *${request.id}* for more ${permissionLabel(meta.permission)} was filed. The Owners are asked now; you hear here when one decides.`,
      ),
    ];
    await answer({ response_action: "update", view: messageModal({ text: "Request filed", blocks: filed }) });
    // Then the Owners get it, and the holder hears where it stands, where they clicked Extend.
    const told = requestFiledMessage(request, await deliverRequest(request));
    try {
      if (meta.responseUrl)
        await respondLater(meta.responseUrl, {
          response_type: "ephemeral",
          replace_original: false,
          ...told,
        });
      else await client.chat.postMessage({ channel: body.user.id, ...told });
    } catch (error) {
      logger.warn("Could not tell the holder their Extend request was filed:", error);
    }
  });

  app.view(IDS.views.approveGrant, async ({ ack, body, view, context }) => {
    const answer = ack as AckFn<ViewResponseAction | undefined>;
    let meta: ApproveMetadata;
    let outcome: ApprovalOutcome;
    try {
      meta = parsePayload(
        approveMetadata,
        view.private_metadata,
        "This form is out of date; click Approve on the request again.",
      );
      const actor = await submitter(body, view, context);
      // The form is the Owner's confirmation; the time typed is checked against the time asked.
      const answer = await core.requests.decide(actor, meta.requestId, {
        decision: "approve",
        confirmed: true,
        minutes: typedMinutes(view),
      });
      if (answer.kind !== "approved") throw unexpectedAnswer(answer);
      outcome = answer.outcome;
    } catch (error) {
      logIfUnexpected(logger, "approve a grant request", error, context);
      await refuseForm(answer, error, IDS.blocks.duration);
      return;
    }
    await confirmDecision(answer, meta.responseUrl, approvalMessage(outcome), deps);
  });
};
