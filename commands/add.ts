import { z } from "zod";
import { isRole } from "../src/core/roles.js";
import { noFlags } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";
import { unescapeEmail } from "./lib/tokens.js";

export default defineCommand({
  name: "add",
  usage: "add <email> [owner|admin|teammate] [full name…] [--phone +447700900123]",
  summary: "Invite a member by email (role defaults to teammate); with no email, opens a form",
  toInput: ({ positionals: [email, maybeRole, ...rest], flags }) => {
    const roleGiven = maybeRole !== undefined && isRole(maybeRole.toLowerCase());
    const nameWords = roleGiven ? rest : [maybeRole, ...rest].filter((w): w is string => w !== undefined);
    return {
      email: email === undefined ? undefined : unescapeEmail(email),
      role: roleGiven ? maybeRole.toLowerCase() : undefined,
      name: nameWords.length > 0 ? nameWords.join(" ") : undefined,
      phone: flags.get("phone"),
      flags: unknownFlags({ flags }, ["phone", "name"]),
      flagName: flags.get("name"),
    };
  },
  schema: z.object({
    email: z.string().optional(),
    role: z.string().optional(),
    name: z.string().optional(),
    flagName: z.string().optional(),
    phone: z.string().optional(),
    flags: noFlags,
  }),
  run: ({ core, actor }, input) => {
    if (input.email === undefined) return { type: "form", form: "add" };
    const change = core.addMember(actor, {
      email: input.email,
      role: input.role,
      name: input.flagName ?? input.name,
      phone: input.phone,
    });
    return { type: "change", change };
  },
});
