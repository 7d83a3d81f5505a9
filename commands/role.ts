import { z } from "zod";
import { memberArg, noFlags, noMore, roleArg } from "./lib/args.js";
import { defineChangeCommand, unknownFlags } from "./lib/command.js";

export default defineChangeCommand({
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
  intent: ({ member, role }) => ({ kind: "member.edit", member, role }),
  otherwise: (_ctx, { member }) => ({ type: "form", form: "edit", member }),
});
