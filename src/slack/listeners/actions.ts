import { z } from "zod";
import { AUDIT_MAX } from "../../../commands/audit.js";
import { runCommand } from "../../../commands/index.js";
import { MEMBER_ACTIONS } from "../../core/dashboard.js";
import type { ChangeResult } from "../../core/decide.js";
import { CoreError } from "../../core/errors.js";
import { auditMessage, type OlderPage } from "../blocks/audit.js";
import type { SlackMessage } from "../blocks/kit.js";
import { resultMessage } from "../blocks/messages.js";
import { addMemberModal, changeRoleModal, permissionsModal, removeMemberModal } from "../blocks/modals.js";
import { requestFiledMessage } from "../blocks/requests.js";
import { alreadyRotated, heldForSecondOwner, rotateButton, rotateConfirmation } from "../blocks/rotate.js";
import { teamState } from "../blocks/team.js";
import { openView } from "../clients.js";
import { editForm, LIST_PAGE_SIZE } from "../dispatch.js";
import { IDS } from "../ids.js";
import { parsePayload } from "../payload.js";
import type { SlackDeps, SlackRegistry } from "./deps.js";
import { type ActionBody, type ActionContext, onAction } from "./handlers.js";

const confirmedRemoval = z.strictObject({ email: z.string().max(320), kind: z.enum(["remove", "revoke"]) });

const olderPage = z.strictObject({
  before: z.number().int().min(2).max(Number.MAX_SAFE_INTEGER),
  last: z.number().int().min(1).max(AUDIT_MAX),
}) satisfies z.ZodType<OlderPage>;

/** Buttons and menus on Rolecall's messages and App Home. Each acknowledges first, then works. */
export const registerActions = (app: SlackRegistry, deps: SlackDeps): void => {
  const { core, logger, deliverRequest } = deps;
  /** A change's outcome; one four-eyes held goes to the Owners first, and says where it stands. */
  const changeMessage = async (change: ChangeResult): Promise<SlackMessage> =>
    change.kind === "request.filed" && change.request
      ? requestFiledMessage(change.request, await deliverRequest(change.request), { fourEyes: true })
      : resultMessage({ type: "change", change });
  const handle = (actionId: string, work: (ctx: ActionContext) => Promise<void>) =>
    onAction(app, deps, actionId, work);

  // The same filters and pages serve `/team list` (answered in place) and App Home (published again).
  const showPage = (name: string) =>
    handle(name, async ({ body, value, user, actor, client, reply }) => {
      const state = parsePayload(teamState, value, "That button is out of date; run /team list again.");
      if (body.view?.type === "home") {
        await deps.homes.show(user, state, client);
        return;
      }
      const words = ["list", ...(state.role ? [state.role] : []), ...(state.status ? [state.status] : [])];
      const result = await runCommand({ core, actor, pageSize: LIST_PAGE_SIZE }, [
        ...words,
        "--page",
        String(state.page),
      ]);
      await reply(resultMessage(result));
    });
  showPage(IDS.actions.listPage);
  showPage(IDS.actions.listFilterRole);
  showPage(IDS.actions.listFilterStatus);

  // The next older page of /team audit, in place; the core checks Team Settings again.
  handle(IDS.actions.auditOlder, async ({ value, actor, reply }) => {
    const { before, last } = parsePayload(
      olderPage,
      value,
      "That Older button could not be read; run /team audit again.",
    );
    await reply(auditMessage(await core.auditChanges(actor, { last, before }), last));
  });

  handle(IDS.actions.openPermissions, async ({ body, client, actor, reply }) => {
    const view = await core.permissions(actor);
    if (view.editableRoles.length === 0) {
      await reply(resultMessage({ type: "perms", view }), false);
      return;
    }
    const meta = body.response_url ? { responseUrl: body.response_url } : {};
    await openView(client, body.trigger_id, permissionsModal(view.matrix, view.editableRoles, meta));
  });

  handle(IDS.actions.openAdd, async ({ body, client, actor }) => {
    const form = await core.prepareMemberForm(actor);
    await openView(client, body.trigger_id, addMemberModal(form.assignableRoles, {}));
  });

  handle(IDS.actions.memberAction, async ({ body, value, blockId, client, actor, reply }) => {
    const action = parsePayload(z.enum(MEMBER_ACTIONS), JSON.stringify(value), "That menu is out of date.");
    const member = { email: blockId };
    const choice = await core.dashboard.memberChoice(actor, member);
    if (!choice) throw new CoreError({ reason: "not_on_team_any_more", email: blockId });
    const meta = body.response_url ? { responseUrl: body.response_url } : {};
    switch (action) {
      case "edit":
        await openView(client, body.trigger_id, await editForm(core, actor, member, meta));
        return;
      case "role":
        // A menu drawn before the team changed: say so rather than open an empty form.
        if (choice.roles.length === 0) throw new CoreError({ reason: "no_other_role", email: blockId });
        await openView(client, body.trigger_id, changeRoleModal(choice.member, choice.roles, meta));
        return;
      case "resend":
        await reply(await changeMessage(await core.resendInvite(actor, member)), false);
        return;
      case "revoke":
      case "remove":
        // Refused now, before asking, if the rules do not allow it.
        await core.change(
          actor,
          { kind: action === "revoke" ? "invite.revoke" : "member.remove", member },
          { dryRun: true },
        );
        await openView(client, body.trigger_id, removeMemberModal(choice.member, meta));
        return;
    }
  });

  // The button says what was confirmed: cancelling an invite never removes someone who joined since.
  handle(IDS.actions.confirmRemove, async ({ value, actor, reply }) => {
    const { email, kind } = parsePayload(
      confirmedRemoval,
      value,
      "That button is out of date; type /team remove again.",
    );
    const intent = {
      kind: kind === "revoke" ? "invite.revoke" : "member.remove",
      member: { email },
    } as const;
    await reply(await changeMessage(await core.change(actor, intent)));
  });

  handle(IDS.actions.apiKeyAsk, async ({ actor, reply }) => {
    await reply(rotateConfirmation(await core.apiKeyRotationChoices(actor))); // refuses who may not rotate
  });

  handle(IDS.actions.apiKeyRotate, async ({ value, actor, reply }) => {
    const click = parsePayload(
      rotateButton,
      value,
      "That button is out of date; type /team apikey to rotate the key.",
    );
    const rotated = await core.rotateApiKey(actor, click.grace, click.from);
    // A repeated click answers beside the first one's message, which shows the new key.
    if ("heldForSecondOwner" in rotated) {
      // Four-eyes: the rotation is a request now, posted to the Owners like any other.
      const request = await core.requests.get(actor.accountId, rotated.requestId);
      const filed = requestFiledMessage(request, await deliverRequest(request), { fourEyes: true });
      await reply({
        ...filed,
        blocks: [...heldForSecondOwner(rotated.requestId).blocks, ...filed.blocks.slice(1)],
      });
    } else if ("alreadyRotated" in rotated) await reply(alreadyRotated(rotated.prefix), false);
    else await reply(resultMessage({ type: "apikey_rotated", rotated }));
  });

  app.action<ActionBody>(IDS.actions.cancel, async ({ ack, respond, body }) => {
    await ack();
    if (body.response_url) await respond({ delete_original: true }).catch((e) => logger.warn("cancel:", e));
  });
};
