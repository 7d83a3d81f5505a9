import { describeAsk } from "../../../commands/lib/describe.js";
import type { GrantList } from "../../core/access-core.js";
import type { ChangeResult } from "../../core/decide.js";
import { grantEndWords } from "../../core/grant-rules.js";
import { durationShort, durationWords } from "../../core/input.js";
import type { ChangeRequest, Grant } from "../../core/model.js";
import { PERMISSIONS, type PermissionKey } from "../../core/permissions.js";
import { outcomeSentence, SLACK_OUTCOMES } from "../../words/en/outcomes.js";
import { clip, esc } from "../escape.js";
import { slackFormatter as fmt, slackDate } from "../format.js";
import { IDS } from "../ids.js";
import {
  type Block,
  button,
  context,
  linesToSections,
  type SlackMessage,
  section,
  type View,
} from "./kit.js";

/** A permission as people read it: "Export Users". */
export const permissionLabel = (permission: PermissionKey): string => PERMISSIONS[permission].label;

const MINUTE = 60_000;

/** The holder of a grant, by mention where they are linked. */
const holder = (g: Pick<Grant, "memberEmail" | "memberSlackUserId">) =>
  fmt.person({ email: g.memberEmail, slackUserId: g.memberSlackUserId });

/** "in 15 minutes", rounded to the minute (at least one). */
const inWords = (endsAt: string, now: Date): string =>
  `in ${durationWords(Math.max(1, Math.round((new Date(endsAt).getTime() - now.getTime()) / MINUTE)))}`;

/**
 * A change in one sentence as Slack shows it (src/words/en/outcomes.ts): people by mention, a grant's
 * end in the reader's own time (`<!date^…>`, with UTC as the fallback).
 */
export const changeSentence = (change: ChangeResult): string =>
  outcomeSentence(change, { fmt }, SLACK_OUTCOMES);

/** One grant on a line: who (when listing everyone's), what, until when, by whom, why. */
export const grantLine = (g: Grant, withHolder: boolean): string => {
  const reason = g.reason ? ` — _${esc(g.reason)}_` : "";
  return `${withHolder ? `${holder(g)} · ` : ""}*${permissionLabel(g.permission)}* until ${slackDate(g.endsAt)} · granted by ${esc(g.grantedBy)}${reason}`;
};

/** Lines of grants within `max` sections, with "…and N more" when they do not all fit. */
export const grantBlocks = (grants: readonly Grant[], withHolder: boolean, max: number): Block[] => {
  const { blocks, shown } = linesToSections(
    grants.map((g) => grantLine(g, withHolder)),
    max,
  );
  return shown < grants.length ? [...blocks, context(`…and ${grants.length - shown} more.`)] : blocks;
};

/** The viewer's own grants, each with Extend beside it (one per permission, so a handful at most). */
export const ownGrantBlocks = (grants: readonly Grant[]): Block[] =>
  grants.map((g) => ({
    type: "section",
    block_id: `grant_${g.permission}`,
    text: { type: "mrkdwn", text: clip(grantLine(g, false)) },
    accessory: button("Extend", IDS.actions.grantExtend, JSON.stringify({ permission: g.permission })),
  }));

/** `/team grants`: your temporary access, and everyone's for holders of Team Settings. */
export const grantsMessage = ({ mine, all }: GrantList): SlackMessage => {
  const blocks: Block[] = [section("*Your temporary access*")];
  blocks.push(
    ...(mine.length > 0 ? grantBlocks(mine, false, 10) : [context("You hold no temporary access now.")]),
  );
  if (all) {
    blocks.push(section(`*Temporary access on the team* (${all.length})`));
    blocks.push(
      ...(all.length > 0 ? grantBlocks(all, true, 30) : [context("Nobody holds temporary access now.")]),
    );
  }
  const count = all ? all.length : mine.length;
  return {
    text: all ? `Temporary access: ${count} active on the team` : `Your temporary access: ${count} active`,
    blocks,
  };
};

/** The holder's reminder, shortly before the end: when, and an Extend button. */
export const reminderMessage = (g: Grant, now: Date): SlackMessage => {
  const text = `Your temporary ${permissionLabel(g.permission)} ends at ${grantEndWords(g.endsAt, now)} (${inWords(g.endsAt, now)}).`;
  return {
    text,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `:hourglass_flowing_sand: ${text}` },
        accessory: button("Extend", IDS.actions.grantExtend, JSON.stringify({ permission: g.permission })),
      },
      context("Need it longer? Extend asks the Owners for more time."),
    ],
  };
};

/** When and how a grant ended: "at 14:30 UTC", or "at 14:10 UTC by owner@acme.test". */
const howItEnded = (g: Grant, now: Date): string => {
  const at = grantEndWords(g.endedAt ?? g.endsAt, now);
  if (g.endReason !== "ended") return `at ${at}`;
  if (g.endedBy === g.memberEmail) return `at ${at}, given back by its holder`;
  return `at ${at}, ended early by ${g.endedBy ? esc(g.endedBy) : "an Owner"}`;
};

/** The holder's notice that a grant ended. */
export const endedMessage = (g: Grant, now: Date): SlackMessage => {
  const text = `Your temporary ${permissionLabel(g.permission)} ended ${howItEnded(g, now)}.`;
  return {
    text,
    blocks: [
      section(`:lock: ${text}`),
      context("Need it again? Ask with `/team access` — an Owner approves it."),
    ],
  };
};

/** Said in a request's thread, and on its post, when the access it gave ended. */
export const accessEndedLine = (g: Grant, now: Date): string =>
  `Temporary access ended ${howItEnded(g, now)}.`;

/** What a grant request asks for, beside the change on its post: how long, and why. */
export const grantAskLines = (r: ChangeRequest): string[] => {
  const intent = r.intent;
  if (intent?.kind !== "grant.start" && intent?.kind !== "grant.extend") return [];
  const lines = [
    `*${intent.kind === "grant.extend" ? "For another" : "For"}:* ${durationWords(intent.minutes)}`,
  ];
  if (intent.kind === "grant.start" && intent.reason) lines.push(`*Reason:* ${esc(intent.reason)}`);
  return lines;
};

/** Whether approving this request takes a duration (a grant may be approved for less time). */
export const isGrantRequest = (r: ChangeRequest): boolean =>
  r.intent?.kind === "grant.start" || r.intent?.kind === "grant.extend";

const durationInput = (initialMinutes: number, hint: string): Block => ({
  type: "input",
  block_id: IDS.blocks.duration,
  label: { type: "plain_text", text: "How long" },
  hint: { type: "plain_text", text: clip(hint, 150) },
  element: {
    type: "plain_text_input",
    action_id: IDS.inputs.duration,
    initial_value: durationShort(initialMinutes),
    placeholder: { type: "plain_text", text: "e.g. 30m, 2h or 1d" },
    max_length: 20,
  },
});

const modal = (callbackId: string, title: string, submit: string, blocks: Block[], meta: object): View => ({
  type: "modal",
  callback_id: callbackId,
  title: { type: "plain_text", text: clip(title, 24) },
  submit: { type: "plain_text", text: clip(submit, 24) },
  close: { type: "plain_text", text: "Cancel" },
  private_metadata: JSON.stringify(meta),
  blocks,
});

/** What an Extend form remembers: the permission, and where the reminder was (for the answer). */
export interface ExtendMetadata {
  permission: PermissionKey;
  responseUrl?: string;
}

/** Extend: how much longer, prefilled with the grant's own length (as far as the limit allows). */
export const extendGrantModal = (g: Grant, minutes: number, now: Date, meta: ExtendMetadata): View =>
  modal(
    IDS.views.extendGrant,
    "Extend access",
    "Ask the Owners",
    [
      section(
        `Your temporary *${permissionLabel(g.permission)}* ends at ${grantEndWords(g.endsAt, now)}. How much longer do you need it?`,
      ),
      durationInput(minutes, "An Owner approves it; they may approve less."),
    ],
    meta,
  );

/** What an approval form remembers: the request, and where the Approve click was (for the answer). */
export interface ApproveMetadata {
  requestId: string;
  responseUrl?: string;
}

/** Approving a grant request: for the time asked, or less. */
export const approveGrantModal = (r: ChangeRequest, meta: ApproveMetadata): View => {
  const intent = r.intent;
  const minutes = intent?.kind === "grant.start" || intent?.kind === "grant.extend" ? intent.minutes : 60;
  const requester = fmt.person({ email: r.requesterEmail, slackUserId: r.requesterSlackUserId });
  return modal(
    IDS.views.approveGrant,
    `Approve ${r.id}`,
    "Approve",
    [
      section(
        `${requester} asks ${intent ? `to ${describeAsk(intent, fmt)}` : "for temporary access"}.\n${esc(r.effect)}`,
      ),
      ...grantAskLines(r).map((line) => context(line)),
      durationInput(
        minutes,
        `At most ${durationWords(minutes)}: what was asked for. Shorten it if you like.`,
      ),
    ],
    meta,
  );
};
