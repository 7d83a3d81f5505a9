import { z } from "zod";
import { noFlags, noMore } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

/** "24h", "24" or "0"/"none": how long the old key keeps working after a rotation. */
export const graceHours = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(none|\d{1,3}h?)$/, "The grace period is written like 24h, or none.")
  .transform((s) => (s === "none" ? 0 : Number.parseInt(s, 10)))
  .pipe(z.number().int().min(0).max(168, "The grace period is at most 168h."));

export default defineCommand({
  name: "apikey",
  usage: "apikey | apikey rotate [--grace 24h]",
  summary: "The organisation API key's prefix and age; rotate it (the new key is shown once)",
  toInput: ({ positionals: [verb, ...extra], flags }) => ({
    verb: verb?.toLowerCase(),
    grace: flags.get("grace"),
    extra,
    flags: unknownFlags({ flags }, ["grace"]),
  }),
  schema: z.union([
    z.object({ verb: z.undefined(), grace: z.undefined(), extra: noMore, flags: noFlags }),
    z.object({
      verb: z.literal("rotate", { message: 'After "apikey", say "rotate" or nothing.' }),
      grace: graceHours.optional(),
      extra: noMore,
      flags: noFlags,
    }),
  ]),
  run: async ({ core, actor, confirmFirst }, input) => {
    if (input.verb === undefined) return { type: "apikey", key: await core.apiKeyInfo(actor) };
    // Without a grace named, Slack first asks whether the old key stops now or later.
    if (confirmFirst && input.grace === undefined)
      return {
        type: "confirm",
        confirm: { kind: "rotate", choices: await core.apiKeyRotationChoices(actor) },
      };
    const rotated = await core.rotateApiKey(actor, input.grace);
    if ("heldForSecondOwner" in rotated)
      return {
        type: "request_filed",
        request: await core.requests.get(actor.accountId, rotated.requestId),
        fourEyes: true,
      };
    return { type: "apikey_rotated", rotated };
  },
});
