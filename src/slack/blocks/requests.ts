import { requestStatusLine } from "../../../commands/lib/requests-view.js";
import type { ApprovalOutcome } from "../../core/index.js";
import type { ChangeRequest } from "../../core/model.js";
import { describeAsk } from "../../words/en/intents.js";
import { refusalWords } from "../../words/en/refusals.js";
import { clip, code, esc } from "../escape.js";
import { slackFormatter as fmt, slackDoor } from "../format.js";
import { IDS } from "../ids.js";
import { changeSentence, grantAskLines } from "./grants.js";
import { type Block, button, context, linesToSections, type SlackMessage, section } from "./kit.js";

/** The requester as outcomes name them: a mention where they are linked, else their email. */
const who = (r: ChangeRequest) =>
  fmt.person({ email: r.requesterEmail, slackUserId: r.requesterSlackUserId });

const plain = (text: string) => ({ type: "plain_text" as const, text });

/**
 * Approve and Reject. Reject is plain (declining changes nothing); Approve on a sensitive change
 * (`isSensitive`) first shows a dialog saying what approving does.
 */
/** An Approve button drawn without a confirmation carries this after the id (see `approveClick`). */
const NO_DIALOG = ":no-dialog";

/** What an Approve click names: the request, and whether its button asked for a confirmation. */
export const approveClick = (value: string): { id: string; confirmed: boolean } =>
  value.endsWith(NO_DIALOG)
    ? { id: value.slice(0, -NO_DIALOG.length), confirmed: false }
    : { id: value, confirmed: true };

export const decisionButtons = (r: ChangeRequest, sensitive: boolean): Block => {
  const approve = button(
    "Approve",
    IDS.actions.requestApprove,
    sensitive ? r.id : `${r.id}${NO_DIALOG}`,
    "primary",
  );
  return {
    type: "actions",
    block_id: `request_${r.id}`,
    elements: [
      sensitive
        ? {
            ...approve,
            confirm: {
              title: plain(`Approve request ${r.id}?`),
              text: plain(clip(`Approving applies this change at once. ${r.effect}`, 300)),
              confirm: plain("Approve"),
              deny: plain("Cancel"),
              style: "primary",
            },
          }
        : approve,
      button("Reject", IDS.actions.requestReject, r.id),
    ],
  };
};

/** A request that became sensitive after its post was drawn: approve it again, with the confirmation. */
export const reconfirmMessage = (r: ChangeRequest): SlackMessage => ({
  text: `Request ${r.id} needs a second look before you approve it.`,
  blocks: [
    section(
      `:warning: Since request *${r.id}* was posted, what it does has become sensitive: ${esc(r.effect)} Nothing was applied. Approve it here if you still want to.`,
    ),
    decisionButtons(r, true),
  ],
});

/**
 * The post the Owners see: who asks, the change, what it does, and — while pending — the buttons
 * (`sensitive`: Approve asks for a confirmation first).
 */
export const requestPost = (
  r: ChangeRequest,
  { sensitive, accessEnded }: { sensitive: boolean; accessEnded?: string },
): SlackMessage => {
  const email = r.requesterSlackUserId ? ` (${esc(r.requesterEmail)})` : "";
  const blocks: Block[] = [
    section(`:inbox_tray: *Change request ${r.id}* from ${who(r)}${email}`),
    section(
      [`*Asks for:* ${code(r.summary)}`, ...grantAskLines(r), `*What it does:* ${esc(r.effect)}`].join("\n"),
    ),
  ];
  if (r.status === "pending") {
    blocks.push(
      context(`Expires ${fmt.date(r.expiresAt)}. Discuss in the thread.`),
      decisionButtons(r, sensitive),
    );
  } else {
    blocks.push(
      context(
        `*${r.status === "approved" ? ":white_check_mark:" : ":no_entry_sign:"} ${requestStatusLine(r, fmt)}*`,
      ),
    );
    // A grant it gave has ended since: the post says so, so nobody reads it as access still held.
    if (accessEnded) blocks.push(context(`:lock: ${accessEnded}`));
  }
  return { text: `Change request ${r.id} from ${esc(r.requesterEmail)}: ${code(r.summary)}`, blocks };
};

/** The outcome, as replied in the post's thread and sent to the requester: people by mention. */
export const requestOutcome = (r: ChangeRequest): string =>
  `Request ${r.id} from ${who(r)} (${code(r.summary)}): ${requestStatusLine(r, fmt)}`;

/** Rule 9 held a change its maker may make: the words every Slack message about it starts with. */
const fourEyesHeld = (id: string) =>
  `Four-eyes is on: this waits for a second Owner's approval (request ${id})`;

/** Where a just-filed request stands in Slack, as the requester is told. */
export type Delivery = "sent" | "waiting" | "unreachable";

const WHERE: Record<Delivery, string> = {
  sent: "was sent to the Owners",
  waiting: "was filed; the Owners will see it when Slack answers",
  unreachable:
    "was filed, but no Owner can be reached in Slack yet (no approvals channel, and no Owner has used Rolecall here); they see it with `/team requests`",
};

/**
 * What the requester sees once they file: "sent" only when a post or DM has landed with an Owner.
 * It names the request in the words the "Ask an Owner" offer used ("to make tom@acme.test an Admin").
 */
export const requestFiledMessage = (
  r: ChangeRequest,
  delivery: Delivery,
  { fourEyes = false }: { fourEyes?: boolean } = {},
): SlackMessage => ({
  text: fourEyes ? `${fourEyesHeld(r.id)}.` : `Request ${r.id} ${WHERE[delivery]}.`,
  blocks: [
    ...(fourEyes ? [section(`:busts_in_silhouette: ${fourEyesHeld(`*${r.id}*`)}.`)] : []),
    section(
      `:outbox_tray: Your request *${r.id}*${r.intent ? ` to ${describeAsk(r.intent, fmt)}` : ""} ${WHERE[delivery]}: ${code(r.summary)}`,
    ),
    context(`${esc(r.effect)} Expires ${fmt.date(r.expiresAt)}.`),
    { type: "actions", elements: [button("Cancel request", IDS.actions.requestCancel, r.id)] },
  ],
});

/** What a request asks, in words ("to make @tom an Admin"); an old unreadable one by its words. */
export const asked = (r: ChangeRequest): string =>
  r.intent ? `to ${describeAsk(r.intent, fmt)}` : `for ${code(r.summary)}`;

export const requestListMessage = (toDecide: ChangeRequest[], filed: ChangeRequest[]): SlackMessage => {
  const line = (r: ChangeRequest) =>
    `*${r.id}* ${who(r)} asks ${asked(r)} — ${esc(r.effect)} _Expires ${fmt.date(r.expiresAt)}._`;
  const blocks: Block[] = [];
  if (toDecide.length > 0)
    blocks.push(section("*For you to decide*"), ...linesToSections(toDecide.map(line), 20).blocks);
  if (filed.length > 0)
    blocks.push(section("*Filed by you*"), ...linesToSections(filed.map(line), 20).blocks);
  if (blocks.length === 0) blocks.push(section("No pending requests."));
  return { text: "Pending requests", blocks };
};

/** What the Owner who approved sees, and only they: "You approved R… — tm@acme.test is now Admin." */
export const approvalMessage = (o: ApprovalOutcome): SlackMessage => {
  const text = o.applied
    ? `You approved request ${o.request.id} — ${changeSentence(o.result)}`
    : `You approved request ${o.request.id}, but it could not be applied: ${refusalWords(o.error.refusal, slackDoor)}`;
  return { text, blocks: [section(`${o.applied ? ":white_check_mark:" : ":warning:"} ${text}`)] };
};

/** What whoever closed a request sees: the Owner who rejected it, or the requester who cancelled. */
export const closedMessage = (r: ChangeRequest): SlackMessage => {
  const text =
    r.status === "rejected"
      ? `You rejected request ${r.id} from ${who(r)} (${code(r.summary)})${r.reason ? `: ${esc(r.reason)}` : "."}`
      : requestOutcome(r);
  return { text, blocks: [section(text)] };
};

/**
 * Four-eyes held a change its maker may make: it waits for a second Owner as request R…. Said where
 * Slack cannot wait for the post to land first (a form answered in place).
 */
export const heldForSecondOwnerMessage = (r: ChangeRequest): SlackMessage => {
  const text = `${fourEyesHeld(r.id)}.`;
  return {
    text,
    blocks: [
      section(
        `:busts_in_silhouette: ${fourEyesHeld(`*${r.id}*`)}${r.intent ? `: ${describeAsk(r.intent, fmt)}` : ""}. The Owners are asked now.`,
      ),
      context(`${esc(r.effect)} Expires ${fmt.date(r.expiresAt)}.`),
      { type: "actions", elements: [button("Cancel request", IDS.actions.requestCancel, r.id)] },
    ],
  };
};
