import { z } from "zod";
import { unexpectedAnswer } from "../src/core/index.js";
import { durationArg, noFlags, noMore } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";
import type { SplitArgs } from "./lib/tokens.js";

const requestId = z.string({ message: "Name the request, e.g. RK3M9QX." }).min(1, "Name the request.");

/** The words of a command that names one request and nothing else (`cancel`, `approve`). */
const idOnly = {
  toInput: (args: SplitArgs) => ({
    id: args.positionals[0],
    extra: args.positionals.slice(1),
    flags: unknownFlags(args, []),
  }),
  schema: z.object({ id: requestId, extra: noMore, flags: noFlags }),
};

/** `cancel <id>`: the requester withdraws a pending request. */
export const cancelCommand = defineCommand({
  name: "cancel",
  usage: "cancel <request id>",
  summary: "Cancel a change request you filed",
  ...idOnly,
  run: async ({ core, actor }, { id }) => ({
    type: "request_closed",
    request: await core.requests.cancel(actor, id),
  }),
});

/** `reject <id> [reason…]`: an Owner other than the requester declines. */
export const rejectCommand = defineCommand({
  name: "reject",
  usage: "reject <request id> [reason…]",
  summary: "Reject a change request (Owners)",
  toInput: (args) => ({
    id: args.positionals[0],
    reason: args.positionals.slice(1).join(" "),
    flags: unknownFlags(args, []),
  }),
  schema: z.object({
    id: requestId,
    reason: z.string().max(500, "A reason has at most 500 characters."),
    flags: noFlags,
  }),
  run: async ({ core, actor }, { id, reason }) => {
    const answer = await core.requests.decide(actor, id, {
      decision: "reject",
      reason: reason.trim() || null,
    });
    if (answer.kind !== "rejected") throw unexpectedAnswer(answer);
    return { type: "request_closed", request: answer.request };
  },
});

/**
 * `approve <id> [--for <duration>]`: an Owner other than the requester approves; the change applies
 * at once, as them. A request for temporary access may be approved for a shorter time.
 */
export const approveCommand = defineCommand({
  name: "approve",
  usage: "approve <request id> [--for <duration>]",
  summary: "Approve a change request and apply it; temporary access for a shorter time with --for (Owners)",
  toInput: (args) => ({
    id: args.positionals[0],
    extra: args.positionals.slice(1),
    minutes: args.flags.get("for"),
    flags: unknownFlags(args, ["for"]),
  }),
  schema: z.object({
    id: requestId,
    extra: noMore,
    minutes: durationArg.optional(),
    flags: noFlags,
  }),
  // A typed command says everything: it is its own confirmation, and without --for it approves the
  // time asked. So the core answers it done, or refused (thrown for the door to word).
  run: async ({ core, actor }, { id, minutes }) => {
    const answer = await core.requests.decide(actor, id, {
      decision: "approve",
      confirmed: true,
      minutes: minutes ?? "asked",
    });
    if (answer.kind !== "approved") throw unexpectedAnswer(answer);
    return { type: "request_approved", outcome: answer.outcome };
  },
});
