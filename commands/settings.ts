import { z } from "zod";
import { channelArg, noFlags, noMore } from "./lib/args.js";
import { defineChangeCommand, unknownFlags } from "./lib/command.js";

const CLEAR = ["none", "off", "clear"];

export default defineChangeCommand({
  name: "settings",
  usage: "settings | settings approvals <#channel>|none",
  summary: "Show the settings, or set the channel where change requests are posted (Owners only)",
  toInput: ({ positionals: [setting, value, ...extra], ...args }) => ({
    setting: setting?.toLowerCase(),
    value,
    extra,
    flags: unknownFlags(args, []),
  }),
  schema: z.union([
    z.object({ setting: z.undefined(), flags: noFlags }),
    z.object({
      setting: z.literal("approvals", { message: 'The only setting is "approvals".' }),
      value: z.string({ message: "Name a channel, e.g. #approvals, or none." }),
      extra: noMore,
      flags: noFlags,
    }),
  ]),
  intent: (input) =>
    input.setting === undefined
      ? null
      : {
          kind: "settings.approvals",
          channel: CLEAR.includes(input.value.toLowerCase()) ? null : channelArg.parse(input.value),
        },
  otherwise: async ({ core, actor }) => ({ type: "settings", ...(await core.settings(actor)) }),
});
