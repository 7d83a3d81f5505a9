import type {
  AckFn,
  BlockAction,
  ButtonAction,
  OverflowAction,
  StaticSelectAction,
  ViewResponseAction,
  webApi,
} from "@slack/bolt";
import { CoreError } from "../../core/errors.js";
import type { ActorContext } from "../../core/index.js";
import { refusalWords } from "../../words/en/refusals.js";
import { accountKeyOf, type SlackUser } from "../actor.js";
import type { SlackMessage } from "../blocks/kit.js";
import { errorMessage } from "../blocks/messages.js";
import { messageModal } from "../blocks/modals.js";
import { openView } from "../clients.js";
import { slackTextDoor } from "../format.js";
import { respondLater } from "../respond.js";
import { logIfUnexpected, type SlackDeps, type SlackRegistry } from "./deps.js";

export type ActionBody = BlockAction<ButtonAction | StaticSelectAction | OverflowAction>;

export interface ActionContext {
  body: ActionBody;
  /** The button's value, or the menu's selected option. */
  value: string;
  /** The block the button or menu sits in (a team row's is the member's email). */
  blockId: string;
  client: webApi.WebClient;
  /** Who clicked, in which account (workspace, or organisation for an org-wide install). */
  user: SlackUser;
  actor: ActorContext;
  /** Answers whoever clicked, in place (`replace`) or beside; from App Home, in a small modal. */
  reply: (message: SlackMessage, replace?: boolean) => Promise<void>;
}

/**
 * The one wrapper every button and menu runs in: acknowledge first, resolve the clicker, do the
 * work; a refusal goes only to whoever clicked (the message stays as it is for everyone else).
 */
export const onAction = (
  app: SlackRegistry,
  { actors, logger }: Pick<SlackDeps, "actors" | "logger">,
  actionId: string,
  work: (ctx: ActionContext) => Promise<void>,
): void => {
  app.action<ActionBody>(actionId, async ({ ack, body, action, respond, client, context }) => {
    await ack();
    const reply = async (message: SlackMessage, replace = true) => {
      if (body.response_url)
        await respond({ response_type: "ephemeral", replace_original: replace, ...message });
      else await openView(client, body.trigger_id, messageModal(message));
    };
    try {
      const value = action.type === "button" ? (action.value ?? "") : (action.selected_option?.value ?? "");
      const user = { teamId: accountKeyOf(context, body.team?.id), userId: body.user.id };
      const actor = await actors.resolve(user, client);
      await work({ body, value, blockId: action.block_id, client, user, actor, reply });
    } catch (error) {
      logIfUnexpected(logger, actionId, error, context);
      await reply(errorMessage(error), false).catch((e) => logger.warn(`could not answer ${actionId}:`, e));
    }
  });
};

/** The one way a form submission is refused: inline, on the field it concerns. */
export const refuseForm = async (
  ack: AckFn<ViewResponseAction | undefined>,
  error: unknown,
  block: string,
): Promise<void> => {
  const message =
    error instanceof CoreError
      ? refusalWords(error.refusal, slackTextDoor)
      : "Something went wrong on our side; nothing was changed.";
  await ack({ response_action: "errors", errors: { [block]: message.slice(0, 1000) } });
};

/**
 * An Owner's decision in a form, confirmed privately: where they clicked (the form closes, the
 * confirmation goes to the message's response_url), or in the form itself when they came from App
 * Home. Slack is brought up to date in between.
 */
export const confirmDecision = async (
  ack: AckFn<ViewResponseAction | undefined>,
  responseUrl: string | undefined,
  confirmation: SlackMessage,
  deps: Pick<SlackDeps, "logger" | "requestsChanged">,
): Promise<void> => {
  if (responseUrl) await ack();
  else await ack({ response_action: "update", view: messageModal(confirmation) });
  deps.requestsChanged();
  if (responseUrl)
    await respondLater(responseUrl, {
      response_type: "ephemeral",
      replace_original: false,
      ...confirmation,
    }).catch((e) => deps.logger.warn("could not confirm the decision:", e));
};
