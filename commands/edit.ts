import { z } from "zod";
import { memberArg, noFlags, noMore } from "./lib/args.js";
import { defineChangeCommand, unknownFlags } from "./lib/command.js";

const FIELDS = ["name", "phone", "role"] as const;

export default defineChangeCommand({
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
  intent: ({ member, name, phone, role }) => {
    if (name === undefined && phone === undefined && role === undefined) return null;
    const clear = (value: string | undefined) => (value === "none" || value === "" ? null : value);
    return {
      kind: "member.edit",
      member,
      ...(name === undefined ? {} : { name: clear(name) }),
      ...(phone === undefined ? {} : { phone: clear(phone) }),
      ...(role === undefined ? {} : { role: role as never }),
    };
  },
  otherwise: (_ctx, { member }) => ({ type: "form", form: "edit", member }),
});
