import { z } from "zod";
import { MEMBER_STATUSES } from "../src/core/model.js";
import { isRole, type Role } from "../src/core/roles.js";
import { noFlags } from "./lib/args.js";
import { defineCommand, unknownFlags } from "./lib/command.js";

const LISTABLE_STATUSES = MEMBER_STATUSES.filter((s) => s !== "removed");

/** `list [owner|admin|teammate] [invited|active]`, in either order. */
const filterSchema = z.array(z.string()).transform((words, ctx) => {
  const filter: { role?: Role; status?: "invited" | "active" } = {};
  for (const raw of words) {
    const word = raw.toLowerCase();
    if (isRole(word) && !filter.role) filter.role = word;
    else if ((LISTABLE_STATUSES as readonly string[]).includes(word) && !filter.status) {
      filter.status = word as "invited" | "active";
    } else {
      ctx.addIssue({ code: "custom", message: `"${raw}" is not a role or a status to filter by.` });
    }
  }
  return filter;
});

export const CLI_PAGE_SIZE = 50;

export default defineCommand({
  name: "list",
  usage: "list [owner|admin|teammate] [invited|active] [--page N]",
  summary: "The team: name, email, role, status, invite state",
  toInput: (args) => ({
    filter: args.positionals,
    page: args.flags.get("page"),
    flags: unknownFlags(args, ["page"]),
  }),
  schema: z.object({
    filter: filterSchema,
    page: z
      .string()
      .regex(/^\d{1,6}$/, "A page is a whole number.")
      .transform(Number)
      .pipe(z.number().min(1, "Pages start at 1."))
      .optional(),
    flags: noFlags,
  }),
  run: async ({ core, actor, pageSize }, { filter, page }) => {
    const size = pageSize ?? (page ? CLI_PAGE_SIZE : null);
    const team = await core.dashboard.teamPage(
      actor,
      filter,
      size ? { offset: ((page ?? 1) - 1) * size, limit: size } : undefined,
    );
    return { type: "list", filter, pageSize: size, ...team };
  },
});
