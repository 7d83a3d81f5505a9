import { z } from "zod";
import { memberArg, noFlags, noMore } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

const FIELDS = ["name", "phone", "role"] as const;

export default defineCommand({
  name: "edit",
  usage: "edit <member> [--name <full name>] [--phone <+E.164>|--phone none] [--role <role>]",
  summary: "Edit a member's name, phone and role (with no options, opens a form)",
  toInput: (args) => ({
    member: args.positionals[0],
    extra: args.positionals.slice(1),
    name: args.flags.get("name"),
    phone: args.flags.get("phone"),
    role: args.flags.get("role")?.toLowerCase(),
    flags: unknownFlags(args, FIELDS),
  }),
  schema: z.object({
    member: memberArg,
    extra: noMore,
    name: z.string().optional(),
    phone: z.string().optional(),
    role: z.string().optional(),
    flags: noFlags,
  }),
  run: ({ core, actor }, { member, name, phone, role }) => {
    if (name === undefined && phone === undefined && role === undefined)
      return { type: "form", form: "edit", member };
    const clear = (value: string | undefined) => (value === "none" || value === "" ? null : value);
    const change = core.editMember(actor, member, { name: clear(name), phone: clear(phone), role });
    return { type: "change", change };
  },
});
