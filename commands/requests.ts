import { z } from "zod";
import { noFlags, noMore } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

export default defineCommand({
  name: "requests",
  usage: "requests",
  summary: "Pending change requests you may decide, or have filed",
  toInput: (args) => ({ extra: args.positionals, flags: unknownFlags(args, []) }),
  schema: z.object({ extra: noMore, flags: noFlags }),
  run: async ({ core, actor }) => ({ type: "requests", ...(await core.requests.list(actor)) }),
});
