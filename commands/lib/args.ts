import { z } from "zod";
import { roleSchema } from "../../src/core/input.js";
import { ROLES } from "../../src/core/roles.js";
import { channelIdOf, memberRefOf } from "./tokens.js";

/** A member named by email or mention; the core validates the email itself. */
export const memberArg = z
  .string({ message: "Name a member by email or @mention." })
  .min(1, "Name a member by email or @mention.")
  .transform(memberRefOf);

export const roleArg = z
  .string({ message: `Name a role: ${ROLES.join(", ")}.` })
  .transform((s) => s.toLowerCase())
  .pipe(roleSchema);

export const channelArg = z.string({ message: "Name a channel, e.g. #approvals." }).transform(channelIdOf);

export const noMore = z.array(z.string()).max(0, { message: "Too many words." });

export const noFlags = z.array(z.string()).max(0, { message: "Unknown option." });
