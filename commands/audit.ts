import { z } from "zod";
import { noFlags, noMore } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

export const AUDIT_DEFAULT = 20;
export const AUDIT_MAX = 500;

export default defineCommand({
  name: "audit",
  usage: `audit [N] (the last N entries, default ${AUDIT_DEFAULT}, at most ${AUDIT_MAX})`,
  summary: "The latest audit entries",
  toInput: (args) => ({
    last: args.positionals[0] ?? String(AUDIT_DEFAULT),
    extra: args.positionals.slice(1),
    flags: unknownFlags(args, []),
  }),
  schema: z.object({
    last: z
      .string()
      .regex(/^\d{1,4}$/, "N is a whole number.")
      .transform(Number)
      .pipe(z.number().int().min(1, "N is at least 1.").max(AUDIT_MAX, `N is at most ${AUDIT_MAX}.`)),
    extra: noMore,
    flags: noFlags,
  }),
  run: async ({ core, actor, auditByChange }, { last }) =>
    auditByChange
      ? { type: "audit_changes", page: await core.auditChanges(actor, { last, before: null }), last }
      : { type: "audit", entries: await core.auditLog(actor, last) },
});
