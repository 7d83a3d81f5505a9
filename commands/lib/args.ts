import { z } from "zod";
import { durationSchema, permissionSchema, roleSchema } from "../../src/core/input.js";
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

/** A permission by key, either spelling: export_users or export-users. */
export const permissionArg = z
  .string({ message: "Name a permission, e.g. export_users." })
  .pipe(permissionSchema);

/** How long a grant lasts: 30m, 2h, 1d. */
export const durationArg = z.string({ message: "Say how long, e.g. 30m, 2h or 1d." }).pipe(durationSchema);

/** The word "for" before a grant's duration (`access billing for 2h`). */
export const forWord = (usage: string) =>
  z
    .string({ message: `Say "for" and how long, e.g. ${usage}.` })
    .toLowerCase()
    .pipe(z.literal("for", { message: `Say "for" before how long, e.g. ${usage}.` }));

/** Free words after the command's own: a reason, or null when none was given. */
export const reasonWords = (words: readonly string[]): string | null => words.join(" ").trim() || null;

export const channelArg = z.string({ message: "Name a channel, e.g. #approvals." }).transform(channelIdOf);

export const noMore = z.array(z.string()).max(0, { message: "Too many words." });

export const noFlags = z.array(z.string()).max(0, { message: "Unknown option." });
