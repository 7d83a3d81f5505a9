import { COMMANDS, runCommand } from "../../commands/index.js";
import { parseCommandInput } from "../../commands/lib/command.js";
import type { AccessCore, ActorContext } from "../core/access-core.js";
import { CoreError } from "../core/errors.js";
import type { ChangeRequest } from "../core/model.js";
import type { SlackMessage, View } from "./blocks/kit.js";
import { removeConfirmation, resultMessage } from "./blocks/messages.js";
import { addMemberModal, editMemberModal, type ModalMetadata } from "./blocks/modals.js";
import { rotateConfirmation } from "./blocks/rotate.js";

/** Members per page of `/team list` in Slack: well inside 50 blocks a message. */
export const LIST_PAGE_SIZE = 20;

export type Outcome =
  | { type: "message"; message: SlackMessage }
  | { type: "modal"; view: View }
  /** A change request was filed: the adapter posts it to the Owners, then tells the requester. */
  | { type: "filed"; request: ChangeRequest };

const removeCommand = COMMANDS.find((c) => c.name === "remove");

/**
 * `/team <words…>` for one actor, as Slack shows it: most subcommands are the shared command and a
 * message; `add`/`edit` without details open a form; `remove` first asks for a confirmation.
 */
export const dispatch = (
  core: AccessCore,
  actor: ActorContext,
  words: string[],
  meta: ModalMetadata,
): Outcome => {
  const [name = "help", ...rest] = words;
  if (name.toLowerCase() === "remove" && removeCommand) {
    const { member } = parseCommandInput(removeCommand, rest) as {
      member: { email: string } | { slackUserId: string };
    };
    const preview = core.removeMember(actor, member, { dryRun: true });
    return { type: "message", message: removeConfirmation(rest[0] ?? "", preview.email ?? "") };
  }
  // Rotating from Slack first asks whether the old key stops now or in 24 hours (the buttons name
  // the key they replace, so a repeated click rotates once).
  if (
    name.toLowerCase() === "apikey" &&
    rest[0]?.toLowerCase() === "rotate" &&
    !rest.some((w) => w.startsWith("--grace"))
  ) {
    return { type: "message", message: rotateConfirmation(core.apiKeyRotationChoices(actor)) };
  }
  const result = runCommand({ core, actor, pageSize: LIST_PAGE_SIZE }, words);
  if (result.type === "request_filed") return { type: "filed", request: result.request };
  if (result.type !== "form") return { type: "message", message: resultMessage(result) };
  if (result.form === "add") {
    return { type: "modal", view: addMemberModal(core.prepareMemberForm(actor).assignableRoles, meta) };
  }
  const form = core.prepareMemberForm(actor, result.member);
  if (!form.member) throw new CoreError("NO_SUCH_MEMBER", "That member is not on this team.");
  return {
    type: "modal",
    view: editMemberModal(form.member, form.assignableRoles, form.self, {
      ...meta,
      email: form.member.email,
    }),
  };
};
