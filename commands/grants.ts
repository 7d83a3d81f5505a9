import { z } from "zod";
import { noFlags, noMore } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

export default defineCommand({
  name: "grants",
  usage: "grants",
  summary: "Active temporary access: yours, or everyone's with Team Settings",
  toInput: (args) => ({ extra: args.positionals, flags: unknownFlags(args, []) }),
  schema: z.object({ extra: noMore, flags: noFlags }),
  run: async ({ core, actor }) => ({ type: "grants", grants: await core.grants.list(actor) }),
});
