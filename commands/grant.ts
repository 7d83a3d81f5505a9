import { z } from "zod";
import type { RawChangeIntent } from "../src/core/intents.js";
import { durationArg, forWord, memberArg, noFlags, noMore, permissionArg, reasonWords } from "./lib/args.js";
import { defineCommand, runChange, unknownFlags } from "./lib/command.js";

const schema = z.discriminatedUnion("verb", [
  z.object({
    verb: z.literal("start"),
    member: memberArg,
    permission: permissionArg,
    for: forWord("grant tom@acme.test billing for 2h"),
    duration: durationArg,
    reason: z.string().nullable(),
    flags: noFlags,
  }),
  z.object({
    verb: z.literal("extend"),
    member: memberArg,
    permission: permissionArg,
    duration: durationArg,
    extra: noMore,
    flags: noFlags,
  }),
]);

const intent = (input: z.infer<typeof schema>): RawChangeIntent =>
  input.verb === "start"
    ? {
        kind: "grant.start",
        member: input.member,
        permission: input.permission,
        minutes: input.duration,
        reason: input.reason,
      }
    : { kind: "grant.extend", member: input.member, permission: input.permission, minutes: input.duration };

/**
 * `grant <member> <permission> for <duration> [reason…]`: an Owner gives a member a permission until
 * a time; `grant extend <member> <permission> <duration>` makes an active grant last longer (the
 * words a request for more time is shown in).
 */
export default defineCommand({
  name: "grant",
  usage:
    "grant <member> <permission> for <duration> [reason…] | grant extend <member> <permission> <duration>",
  summary: "Give a member a permission for a while (30m, 2h, 1d); it ends by itself (Owners)",
  toInput: ({ positionals: [first, ...rest], flags }) =>
    first?.toLowerCase() === "extend"
      ? {
          verb: "extend",
          member: rest[0],
          permission: rest[1],
          duration: rest[2],
          extra: rest.slice(3),
          flags: unknownFlags({ flags }, []),
        }
      : {
          verb: "start",
          member: first,
          permission: rest[0],
          for: rest[1],
          duration: rest[2],
          reason: reasonWords(rest.slice(3)),
          flags: unknownFlags({ flags }, []),
        },
  schema,
  intent,
  run: (ctx, input) => runChange(ctx, intent(input)),
});
