import { z } from "zod";
import { durationArg, forWord, noFlags, noMore, permissionArg, reasonWords } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

const START = "access billing for 2h";

/**
 * `access <permission> for <duration> [reason…]` / `access extend <permission> <duration>`: a member
 * asks the Owners for time-bound access for themselves. It is always a request (an Owner decides,
 * and may approve a shorter time), so the command has no intent of its own to ask for again.
 */
export default defineCommand({
  name: "access",
  usage: "access <permission> for <duration> [reason…] | access extend <permission> <duration>",
  summary: "Ask the Owners for temporary access for yourself (30m, 2h, 1d), or for more time",
  toInput: ({ positionals: [first, ...rest], flags }) =>
    first?.toLowerCase() === "extend"
      ? {
          verb: "extend",
          permission: rest[0],
          duration: rest[1],
          extra: rest.slice(2),
          flags: unknownFlags({ flags }, []),
        }
      : {
          verb: "start",
          permission: first,
          for: rest[0],
          duration: rest[1],
          reason: reasonWords(rest.slice(2)),
          flags: unknownFlags({ flags }, []),
        },
  schema: z.discriminatedUnion("verb", [
    z.object({
      verb: z.literal("start"),
      permission: permissionArg,
      for: forWord(START),
      duration: durationArg,
      reason: z.string().nullable(),
      flags: noFlags,
    }),
    z.object({
      verb: z.literal("extend"),
      permission: permissionArg,
      duration: durationArg,
      extra: noMore,
      flags: noFlags,
    }),
  ]),
  run: async ({ core, actor }, input) => ({
    type: "request_filed",
    request: await core.requests.file(
      actor,
      input.verb === "start"
        ? {
            kind: "grant.start",
            member: actor.actor,
            permission: input.permission,
            minutes: input.duration,
            reason: input.reason,
          }
        : {
            kind: "grant.extend",
            member: actor.actor,
            permission: input.permission,
            minutes: input.duration,
          },
    ),
  }),
});
