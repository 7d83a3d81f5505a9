import { z } from "zod";
import type { RawChangeIntent } from "../src/core/intents.js";
import { memberArg, noFlags, noMore, permissionArg } from "./lib/args.js";
import { defineCommand, runChange, unknownFlags } from "./lib/command.js";

const schema = z.object({ member: memberArg, permission: permissionArg, extra: noMore, flags: noFlags });
const intent = ({ member, permission }: z.infer<typeof schema>): RawChangeIntent => ({
  kind: "grant.end",
  member,
  permission,
});

/** `ungrant <member> <permission>`: ends a time-bound grant now (an Owner, or its holder giving it back). */
export default defineCommand({
  name: "ungrant",
  usage: "ungrant <member> <permission>",
  summary: "End a member's temporary access now (Owners; anyone for their own)",
  toInput: ({ positionals: [member, permission, ...extra], flags }) => ({
    member,
    permission,
    extra,
    flags: unknownFlags({ flags }, []),
  }),
  schema,
  intent,
  run: (ctx, input) => runChange(ctx, intent(input)),
});
