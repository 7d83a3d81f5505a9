import { z } from "zod";
import { noFlags, noMore, permissionArg, roleArg } from "./lib/args.js";
import { defineChangeCommand, unknownFlags } from "./lib/command.js";

const toggle = z.object({
  verb: z.enum(["grant", "revoke"], { message: 'After "perms", say "grant" or "revoke".' }),
  role: roleArg,
  permission: permissionArg,
  extra: noMore,
  flags: noFlags,
});
const show = z.object({ verb: z.undefined(), flags: noFlags });

export default defineChangeCommand({
  name: "perms",
  usage: "perms | perms grant|revoke <admin|teammate> <permission>",
  summary: "The permission matrix, or turn one permission on or off for a role",
  toInput: ({ positionals: [verb, role, permission, ...extra], ...args }) => ({
    verb: verb?.toLowerCase(),
    role,
    permission,
    extra,
    flags: unknownFlags(args, []),
  }),
  schema: z.union([show, toggle]),
  intent: (input) =>
    input.verb === undefined
      ? null
      : {
          kind: "permission.set",
          role: input.role,
          permission: input.permission,
          allowed: input.verb === "grant",
        },
  otherwise: async ({ core, actor }) => ({ type: "perms", view: await core.permissions(actor) }),
});
