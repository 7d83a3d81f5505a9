import { z } from "zod";
import { isRole } from "../src/core/roles.js";
import { noFlags } from "./lib/args.js";
import { defineChangeCommand, unknownFlags } from "./lib/command.js";
import { unescapeEmail } from "./lib/tokens.js";

export default defineChangeCommand({
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
  intent: (input) =>
    input.email === undefined
      ? null
      : {
          kind: "member.add",
          email: input.email,
          ...(input.role === undefined ? {} : { role: input.role as never }),
          name: input.flagName ?? input.name ?? null,
          phone: input.phone ?? null,
        },
  otherwise: () => ({ type: "form", form: "add" }),
});
