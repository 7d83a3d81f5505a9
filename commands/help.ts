import { z } from "zod";
import type { Action } from "../src/core/authz.js";
import { defineCommand, type HelpEntry, type HelpGroup } from "./lib/command.js";

export const HELP_GROUP_TITLE: Record<HelpGroup, string> = {
  everyday: "Everyday",
  team: "Managing the team",
  requests: "Requests",
};

/**
 * Where each command sits in help, and what a reader needs for it to be listed: nothing (anyone),
 * being an active member, or an action the rules (authz.ts) allow them.
 */
export const HELP_PLACES: Record<string, { group: HelpGroup; needs?: "member" | Action }> = {
  help: { group: "everyday" },
  whoami: { group: "everyday", needs: "member" },
  perms: { group: "everyday", needs: "member" },
  apikey: { group: "everyday", needs: "apikey.view" },
  list: { group: "team", needs: "team.view" },
  add: { group: "team", needs: "member.add" },
  edit: { group: "team", needs: "member.edit" },
  role: { group: "team", needs: "member.change_role" },
  remove: { group: "team", needs: "member.remove" },
  resend: { group: "team", needs: "invite.resend" },
  revoke: { group: "team", needs: "invite.revoke" },
  audit: { group: "team", needs: "audit.view" },
  grant: { group: "team", needs: "grant.start" },
  // The holder may give their own grant back; Owners end anyone's.
  ungrant: { group: "team", needs: "member" },
  grants: { group: "everyday", needs: "member" },
  access: { group: "requests", needs: "member" },
  // Everyone may see where requests go; only Owners change it (the summary says so).
  settings: { group: "team", needs: "member" },
  request: { group: "requests", needs: "member" },
  requests: { group: "requests", needs: "member" },
  approve: { group: "requests", needs: "request.decide" },
  reject: { group: "requests", needs: "request.decide" },
  cancel: { group: "requests", needs: "member" },
};

/** Filled in by the registry, which knows every command. */
export const helpCommand = (list: () => HelpEntry[]) =>
  defineCommand({
    name: "help",
    usage: "help",
    summary: "This list",
    toInput: () => ({}),
    schema: z.object({}),
    run: () => ({ type: "help", commands: list(), forReader: false }),
  });
