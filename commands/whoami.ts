import { z } from "zod";
import { noFlags, noMore } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

export default defineCommand({
  name: "whoami",
  usage: "whoami",
  summary: "Your role and your permissions",
  toInput: (args) => ({ extra: args.positionals, flags: unknownFlags(args, []) }),
  schema: z.object({ extra: noMore, flags: noFlags }),
  run: async ({ core, actor }) => ({ type: "whoami", whoami: await core.whoami(actor) }),
});
