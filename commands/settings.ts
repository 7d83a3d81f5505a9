import { z } from "zod";
import { channelArg, noFlags, noMore } from "./lib/args.js";
import { defineChangeCommand, unknownFlags } from "./lib/command.js";

const CLEAR = ["none", "off", "clear"];

export default defineChangeCommand({
  name: "settings",
  usage: "settings | settings approvals <#channel>|none | settings four-eyes on|off",
  summary:
    "Show the settings; set the channel where change requests are posted, or turn four-eyes on or off (Owners only)",
  toInput: ({ positionals: [setting, value, ...extra], ...args }) => ({
    // No word at all shows the settings (null: nothing a person can type).
    setting: setting === undefined ? null : setting.toLowerCase(),
    value,
    extra,
    flags: unknownFlags(args, []),
  }),
  schema: z.discriminatedUnion(
    "setting",
    [
      z.object({ setting: z.null(), flags: noFlags }),
      z.object({
        setting: z.literal("approvals"),
        value: z.string({ message: "Name a channel, e.g. #approvals, or none." }),
        extra: noMore,
        flags: noFlags,
      }),
      z.object({
        setting: z.literal("four-eyes"),
        value: z
          .string({ message: 'Say "on" or "off".' })
          .toLowerCase()
          .pipe(z.enum(["on", "off"], { message: 'Four-eyes is "on" or "off".' })),
        extra: noMore,
        flags: noFlags,
      }),
    ],
    { message: 'The settings are "approvals" and "four-eyes".' },
  ),
  intent: (input) => {
    switch (input.setting) {
      case null:
        return null;
      case "approvals":
        return {
          kind: "settings.approvals",
          channel: CLEAR.includes(input.value.toLowerCase()) ? null : channelArg.parse(input.value),
        };
      case "four-eyes":
        return { kind: "settings.four_eyes", on: input.value === "on" };
    }
  },
  otherwise: async ({ core, actor }) => ({ type: "settings", ...(await core.settings(actor)) }),
});
