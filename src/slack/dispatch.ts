import { runCommand } from "../../commands/index.js";
import type { AccessCore, ActorContext } from "../core/index.js";
import type { ChangeRequest, MemberRef } from "../core/model.js";
import { describeRef } from "../core/model.js";
import { noSuchMember } from "../core/policy.js";
import type { SlackMessage, View } from "./blocks/kit.js";
import { resultMessage } from "./blocks/messages.js";
import { addMemberModal, editMemberModal, type ModalMetadata } from "./blocks/modals.js";

/** Members per page of `/team list` in Slack: well inside 50 blocks a message. */
export const LIST_PAGE_SIZE = 20;

export type Outcome =
  | { type: "message"; message: SlackMessage }
  | { type: "modal"; view: View }
  /**
   * A change request was filed (asked for, or — `fourEyes` — the actor's own change held for a second
   * Owner): the adapter posts it to the Owners, then tells the requester.
   */
  | { type: "filed"; request: ChangeRequest; fourEyes: boolean };

/**
 * `/team <words…>` for one actor, as Slack shows it: most subcommands are the shared command and a
 * message; `add`/`edit` without details open a form; `remove` first asks for a confirmation.
 */
export const dispatch = async (
  core: AccessCore,
  actor: ActorContext,
  words: string[],
  meta: ModalMetadata,
): Promise<Outcome> => {
  // `whoami`, the command asked most, is answered from memory while nothing has changed.
  const replyKey =
    words.length === 1 && words[0]?.toLowerCase() === "whoami"
      ? `slack-whoami:${actor.accountId}:${describeRef(actor.actor)}`
      : null;
  const kept = replyKey === null ? undefined : core.remembered<Outcome>(replyKey);
  if (kept !== undefined) return kept;
  const epoch = core.replyEpoch();
  const result = await runCommand(
    { core, actor, pageSize: LIST_PAGE_SIZE, confirmFirst: true, auditByChange: true },
    words,
  );
  if (result.type === "request_filed")
    return { type: "filed", request: result.request, fourEyes: result.fourEyes === true };
  if (result.type !== "form") {
    const outcome: Outcome = { type: "message", message: resultMessage(result) };
    // A reply that shows a grant's end changes when the grant ends, which writes nothing: built anew.
    if (replyKey !== null && result.type === "whoami" && result.whoami.grants.length === 0)
      core.remember(replyKey, outcome, epoch);
    return outcome;
  }
  if (result.form === "add") {
    return {
      type: "modal",
      view: addMemberModal((await core.prepareMemberForm(actor)).assignableRoles, meta),
    };
  }
  return { type: "modal", view: await editForm(core, actor, result.member, meta) };
};

/** The Edit form for one member, as the rules let this actor fill it (refused if they may not). */
export const editForm = async (
  core: AccessCore,
  actor: ActorContext,
  member: MemberRef,
  meta: ModalMetadata,
): Promise<View> => {
  const form = await core.prepareMemberForm(actor, member);
  if (!form.member) throw noSuchMember(describeRef(member));
  return editMemberModal(form.member, form.assignableRoles, form.self, { ...meta, email: form.member.email });
};
