import type { AckFn, RespondArguments, ViewOutput, ViewResponseAction } from "@slack/bolt";
import { z } from "zod";
import type { ChangeResult } from "../../core/decide.js";
import { CoreError, type ErrorCode } from "../../core/errors.js";
import type { ActorContext } from "../../core/index.js";
import { notAMember } from "../../core/policy.js";
import { CHANGEABLE_ROLES, ROLES } from "../../core/roles.js";
import { accountKeyOf } from "../actor.js";
import { errorMessage, resultMessage } from "../blocks/messages.js";
import { type ModalMetadata, messageModal } from "../blocks/modals.js";
import { heldForSecondOwnerMessage, requestFiledMessage } from "../blocks/requests.js";
import { IDS } from "../ids.js";
import { parsePayload } from "../payload.js";
import { respondLater } from "../respond.js";
import { logIfUnexpected, type SlackDeps, type SlackRegistry } from "./deps.js";
import { refuseForm } from "./handlers.js";

const metadataSchema = z.object({
  responseUrl: z.url().optional(),
  email: z.string().optional(),
  role: z.enum(ROLES).optional(),
  memberAction: z.enum(["remove", "revoke"]).optional(),
});

const readMetadata = (view: ViewOutput): ModalMetadata =>
  parsePayload(metadataSchema, view.private_metadata || "{}", "This form is out of date; open it again.");

const text = (view: ViewOutput, block: string, input: string): string =>
  view.state.values[block]?.[input]?.value?.trim() ?? "";

const selected = (view: ViewOutput, block: string, input: string): string | undefined =>
  view.state.values[block]?.[input]?.selected_option?.value;

/** Which form field a refusal belongs on, so it shows inline where the user can act on it. */
const blockFor = (error: CoreError, fields: readonly string[], fallback: string): string => {
  if (error.field && fields.includes(error.field)) return error.field;
  const byCode: Partial<Record<ErrorCode, string>> = {
    ALREADY_MEMBER: IDS.blocks.email,
    RANK_TOO_LOW: IDS.blocks.role,
    OWN_ROLE: IDS.blocks.role,
    LAST_OWNER: IDS.blocks.role,
    SECOND_OWNER_NEEDED: IDS.blocks.role,
  };
  const block = byCode[error.code];
  return block && fields.includes(block) ? block : fallback;
};

/**
 * Modal submissions. The authority check happens again here, against the state now: a form opened
 * by someone who has since lost the right is refused on submission.
 */
const none = (): string[] => [];

export const registerViews = (
  app: SlackRegistry,
  { core, actors, logger, deliverRequest }: SlackDeps,
): void => {
  const submit = (
    callbackId: string,
    fields: (view: ViewOutput) => string[],
    apply: (actor: ActorContext, view: ViewOutput, meta: ModalMetadata) => Promise<ChangeResult>,
  ) => {
    app.view(callbackId, async ({ ack, body, view, context }) => {
      const answer = ack as AckFn<ViewResponseAction | undefined>;
      const present = fields(view);
      const fallback = present[0] ?? IDS.blocks.email;
      let meta: ModalMetadata = {};
      let change: ChangeResult;
      try {
        meta = readMetadata(view);
        // The user was resolved (and linked) when the form opened, so this needs no Web API call.
        const actor = await actors.local({
          teamId: accountKeyOf(context, body.team?.id ?? view.team_id),
          userId: body.user.id,
        });
        if (!actor) throw notAMember();
        change = await apply(actor, view, meta);
      } catch (error) {
        logIfUnexpected(logger, callbackId, error, context);
        // A confirmation has no field to show an error on: the form turns into the refusal.
        if (fields === none) {
          await answer({ response_action: "update", view: messageModal(errorMessage(error)) });
          return;
        }
        await refuseForm(
          answer,
          error,
          error instanceof CoreError ? blockFor(error, present, fallback) : fallback,
        );
        return;
      }
      // Four-eyes held the change: it is a request now, which goes to the Owners like any other.
      const held = change.kind === "request.filed" ? change.request : undefined;
      if (!meta.responseUrl) {
        // Opened from App Home: the form itself turns into the outcome.
        await answer({
          response_action: "update",
          view: messageModal(
            held ? heldForSecondOwnerMessage(held) : resultMessage({ type: "change", change }),
          ),
        });
        if (held) await deliverRequest(held).catch((e) => logger.warn(`could not deliver ${held.id}:`, e));
        return;
      }
      await answer();
      // The confirmation goes where the command was typed, through the command's response_url.
      const reply: RespondArguments = {
        response_type: "ephemeral",
        ...(held
          ? requestFiledMessage(held, await deliverRequest(held), { fourEyes: true })
          : resultMessage({ type: "change", change })),
      };
      await respondLater(meta.responseUrl, reply).catch((e) =>
        logger.warn(`could not confirm ${callbackId}:`, e),
      );
    });
  };

  const memberFields = (view: ViewOutput) =>
    [IDS.blocks.email, IDS.blocks.name, IDS.blocks.phone, IDS.blocks.role].filter(
      (b) => b in view.state.values,
    );

  submit(IDS.views.addMember, memberFields, (actor, view, meta) =>
    core.addMember(actor, {
      email: text(view, IDS.blocks.email, IDS.inputs.email),
      name: text(view, IDS.blocks.name, IDS.inputs.name) || null,
      phone: text(view, IDS.blocks.phone, IDS.inputs.phone) || null,
      role: selected(view, IDS.blocks.role, IDS.inputs.role) ?? meta.role ?? "teammate",
    }),
  );

  const memberOf = (meta: ModalMetadata) => {
    if (!meta.email)
      throw new CoreError({
        reason: "input_issue",
        issue: "This form lost track of the member; open it again.",
      });
    return { email: meta.email };
  };

  submit(IDS.views.editMember, memberFields, (actor, view, meta) => {
    const member = memberOf(meta);
    const role = selected(view, IDS.blocks.role, IDS.inputs.role);
    return core.editMember(actor, member, {
      name: text(view, IDS.blocks.name, IDS.inputs.name) || null,
      phone: text(view, IDS.blocks.phone, IDS.inputs.phone) || null,
      ...(role ? { role } : {}),
    });
  });

  submit(IDS.views.changeRole, memberFields, (actor, view, meta) =>
    core.changeRole(actor, memberOf(meta), selected(view, IDS.blocks.role, IDS.inputs.role) ?? meta.role),
  );

  submit(IDS.views.removeMember, none, (actor, _view, meta) =>
    core.change(actor, {
      kind: meta.memberAction === "revoke" ? "invite.revoke" : "member.remove",
      member: memberOf(meta),
    }),
  );

  const permsBlocks = (view: ViewOutput) =>
    CHANGEABLE_ROLES.map((role) => `${IDS.blocks.permsPrefix}${role}`).filter((b) => b in view.state.values);

  submit(IDS.views.permissions, permsBlocks, (actor, view) => {
    const wanted: Record<string, string[]> = {};
    for (const role of CHANGEABLE_ROLES) {
      const state = view.state.values[`${IDS.blocks.permsPrefix}${role}`]?.[IDS.inputs.perms];
      if (state) wanted[role] = (state.selected_options ?? []).map((o) => o.value);
    }
    return core.setPermissions(actor, wanted);
  });
};
