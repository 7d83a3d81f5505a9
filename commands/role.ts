import { z } from "zod";
import { memberArg, noFlags, noMore, roleArg } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

export default defineCommand({
  name: "role",
  usage: "role <member> <owner|admin|teammate>",
  summary: "Change a member's role",
  toInput: (args) => ({
    member: args.positionals[0],
    role: args.positionals[1],
    extra: args.positionals.slice(2),
    flags: unknownFlags(args, []),
  }),
  schema: z.object({ member: memberArg, role: roleArg, extra: noMore, flags: noFlags }),
  run: ({ core, actor }, { member, role }) => ({
    type: "change",
    change: core.changeRole(actor, member, role),
  }),
});
