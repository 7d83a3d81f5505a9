import { describeAsk } from "../../../commands/lib/describe.js";
import { requestStatusLine } from "../../../commands/lib/requests-view.js";
import type { ChangeRequest } from "../../core/model.js";
import type { ApprovalOutcome } from "../../core/requests.js";
import { humanDate } from "../../html.js";
import { code, esc } from "../escape.js";
import { slackFormatter } from "../format.js";
import { IDS } from "../ids.js";
import { type Block, button, context, linesToSections, type SlackMessage, section } from "./kit.js";

const who = (r: ChangeRequest) =>
  r.requesterSlackUserId ? `<@${r.requesterSlackUserId}>` : esc(r.requesterEmail);

/** The post the Owners see: who asks, the change, what it does, and — while pending — the buttons. */
export const requestPost = (r: ChangeRequest): SlackMessage => {
  const blocks: Block[] = [
    section(`:inbox_tray: *Change request ${r.id}* from ${who(r)} (${esc(r.requesterEmail)})`),
    section(`*Asks for:* ${code(r.summary)}\n*What it does:* ${esc(r.effect)}`),
  ];
  if (r.status === "pending") {
    blocks.push(context(`Expires ${humanDate(r.expiresAt)}. Discuss in the thread.`), {
      type: "actions",
      block_id: `request_${r.id}`,
      elements: [
        button("Approve", IDS.actions.requestApprove, r.id, "primary"),
        button("Reject", IDS.actions.requestReject, r.id, "danger"),
      ],
    });
  } else {
    blocks.push(
      context(
        `*${r.status === "approved" ? ":white_check_mark:" : ":no_entry_sign:"} ${esc(requestStatusLine(r))}*`,
      ),
    );
  }
  return { text: `Change request ${r.id} from ${esc(r.requesterEmail)}: ${code(r.summary)}`, blocks };
};

/** The outcome, as replied in the post's thread and sent to the requester. */
export const requestOutcome = (r: ChangeRequest): string =>
  `Request ${r.id} (${code(r.summary)}): ${esc(requestStatusLine(r))}`;

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
export const requestFiledMessage = (r: ChangeRequest, delivery: Delivery): SlackMessage => ({
  text: `Request ${r.id} ${WHERE[delivery]}.`,
  blocks: [
    section(
      `:outbox_tray: Your request *${r.id}*${r.intent ? ` to ${describeAsk(r.intent, slackFormatter)}` : ""} ${WHERE[delivery]}: ${code(r.summary)}`,
    ),
    context(`${esc(r.effect)} Expires ${humanDate(r.expiresAt)}.`),
    { type: "actions", elements: [button("Cancel request", IDS.actions.requestCancel, r.id)] },
  ],
});

export const requestListMessage = (toDecide: ChangeRequest[], filed: ChangeRequest[]): SlackMessage => {
  const line = (r: ChangeRequest) => `*${r.id}* ${who(r)}: ${code(r.summary)} — ${esc(r.effect)}`;
  const blocks: Block[] = [];
  if (toDecide.length > 0)
    blocks.push(section("*For you to decide*"), ...linesToSections(toDecide.map(line), 20).blocks);
  if (filed.length > 0)
    blocks.push(section("*Filed by you*"), ...linesToSections(filed.map(line), 20).blocks);
  if (blocks.length === 0) blocks.push(section("No pending requests."));
  return { text: "Pending requests", blocks };
};

export const approvalMessage = (o: ApprovalOutcome): SlackMessage => {
  const text = requestOutcome(o.request);
  return { text, blocks: [section(`${o.applied ? ":white_check_mark:" : ":warning:"} ${text}`)] };
};

export const closedMessage = (r: ChangeRequest): SlackMessage => {
  const text = requestOutcome(r);
  return { text, blocks: [section(text)] };
};
