import { z } from "zod";
import type { TeamPage } from "../../src/core/dashboard.js";
import type { ChangeResult } from "../../src/core/decide.js";
import { CoreError } from "../../src/core/errors.js";
import type {
  AccessCore,
  ActorContext,
  ApprovalOutcome,
  AuditPage,
  GrantList,
  PermissionsView,
  RotatedKey,
  WhoAmI,
} from "../../src/core/index.js";
import type { RawChangeIntent } from "../../src/core/intents.js";
import type { ApiKeyInfo, AuditEntry, ChangeRequest, MemberRef, MemberStatus } from "../../src/core/model.js";
import type { Role } from "../../src/core/roles.js";
import { memberArg, noFlags, noMore } from "./args.js";
import { type SplitArgs, splitFlags } from "./tokens.js";

export interface CommandContext {
  core: AccessCore;
  actor: ActorContext;
  /** Members per page of `list`; Slack always pages, the CLI only when asked (`--page`). */
  pageSize?: number;
  /**
   * The surface asks "are you sure?" before a change that cannot be undone (Slack's buttons); the
   * commands that need it answer with a `confirm` result instead of acting. The CLI acts at once.
   */
  confirmFirst?: boolean;
  /**
   * The surface reads the audit log a change at a time (Slack: one Save of the permissions form is
   * one entry, with an Older button); the CLI lists the entries as written.
   */
  auditByChange?: boolean;
}

export const HELP_GROUPS = ["everyday", "team", "requests"] as const;
export type HelpGroup = (typeof HELP_GROUPS)[number];

/** One command as help lists it. */
export interface HelpEntry {
  usage: string;
  summary: string;
  group: HelpGroup;
}

/** What a command asks the person to confirm before it acts. */
export type Confirmation =
  /** `invited`: the member has not joined yet, so removing them cancels their invite. */
  | { kind: "remove"; email: string; invited: boolean }
  | { kind: "rotate"; choices: { from: string; mayStopAtOnce: boolean } };

/** What a command returns; Slack and the CLI each render it their own way. */
export type CommandResult =
  /** `forReader`: only the commands this reader can run (else every command). */
  | { type: "help"; commands: HelpEntry[]; forReader: boolean }
  | { type: "whoami"; whoami: WhoAmI }
  | ({
      type: "list";
      pageSize: number | null;
      filter: { role?: Role; status?: MemberStatus };
    } & TeamPage)
  | { type: "perms"; view: PermissionsView }
  | { type: "change"; change: ChangeResult }
  | { type: "audit"; entries: AuditEntry[] }
  /** The newest `last` changes, whole (see `auditByChange`). */
  | { type: "audit_changes"; page: AuditPage; last: number }
  | { type: "settings"; approvalsChannel: string | null; fourEyes: boolean }
  /** Active time-bound grants: the reader's own, and everyone's for holders of Team Settings. */
  | { type: "grants"; grants: GrantList }
  | { type: "apikey"; key: ApiKeyInfo }
  /** `fourEyes`: the reader made the change themselves, and four-eyes holds it for a second Owner. */
  | { type: "request_filed"; request: ChangeRequest; fourEyes?: boolean }
  | { type: "requests"; toDecide: ChangeRequest[]; filed: ChangeRequest[] }
  | { type: "request_approved"; outcome: ApprovalOutcome }
  | { type: "request_closed"; request: ChangeRequest }
  | { type: "apikey_rotated"; rotated: RotatedKey }
  | { type: "confirm"; confirm: Confirmation }
  /** The command needs a form (Slack opens a modal; the CLI asks for the arguments). */
  | { type: "form"; form: "add" }
  | { type: "form"; form: "edit"; member: MemberRef };

export interface Command<S extends z.ZodType = z.ZodType> {
  name: string;
  usage: string;
  summary: string;
  /** Turns the words after the subcommand into the raw input its schema checks. */
  toInput(args: SplitArgs): unknown;
  schema: S;
  /**
   * For commands that change something: the typed change the words ask for (null when they only
   * show or open a form). Having one is what makes a command requestable (`/team request …`).
   */
  intent?(input: z.infer<S>): RawChangeIntent | null;
  run(ctx: CommandContext, input: z.infer<S>): CommandResult | Promise<CommandResult>;
}

export const defineCommand = <S extends z.ZodType>(command: Command<S>): Command<S> => command;

/** Parses a command's words with its schema; any problem is INVALID_INPUT with the usage. */
export const parseCommandInput = <S extends z.ZodType>(
  command: Command<S>,
  tokens: readonly string[],
): z.infer<S> => {
  const result = command.schema.safeParse(command.toInput(splitFlags(tokens)));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new CoreError(
    { reason: "command_usage", issue: issue?.message ?? null, usage: command.usage },
    issue?.path.map(String).join(".") || undefined,
  );
};

export const unknownFlags = (args: Pick<SplitArgs, "flags">, allowed: readonly string[]): string[] =>
  [...args.flags.keys()].filter((flag) => !allowed.includes(flag));

/**
 * Runs a command's change: its intent, applied as the actor; or, when four-eyes holds it back, the
 * request that now waits for a second Owner.
 */
export const runChange = async (ctx: CommandContext, intent: RawChangeIntent): Promise<CommandResult> => {
  const change = await ctx.core.change(ctx.actor, intent);
  return change.kind === "request.filed" && change.request
    ? { type: "request_filed", request: change.request, fourEyes: true }
    : { type: "change", change };
};

/**
 * A command that changes something when its words say what (`intent`), and otherwise shows
 * something or opens a form (`otherwise`).
 */
export const defineChangeCommand = <S extends z.ZodType>(
  spec: Omit<Command<S>, "run" | "intent"> & {
    intent(input: z.infer<S>): RawChangeIntent | null;
    otherwise(ctx: CommandContext, input: z.infer<S>): CommandResult | Promise<CommandResult>;
  },
): Command<S> => {
  const { otherwise, ...command } = spec;
  return {
    ...command,
    run: async (ctx, input) => {
      const intent = spec.intent(input);
      return intent ? await runChange(ctx, intent) : await otherwise(ctx, input);
    },
  };
};

/** The shape shared by commands that take exactly one member: remove, resend, revoke. */
export const defineMemberCommand = (spec: {
  name: string;
  summary: string;
  kind: "member.remove" | "invite.resend" | "invite.revoke";
  /** Asks first, where the surface confirms (a removal cannot be undone). */
  confirm?: boolean;
}) => {
  const intent = ({ member }: { member: MemberRef }): RawChangeIntent => ({ kind: spec.kind, member });
  return defineCommand({
    name: spec.name,
    usage: `${spec.name} <member>`,
    summary: spec.summary,
    toInput: (args) => ({
      member: args.positionals[0],
      extra: args.positionals.slice(1),
      flags: unknownFlags(args, []),
    }),
    schema: z.object({ member: memberArg, extra: noMore, flags: noFlags }),
    intent,
    run: async (ctx, input) => {
      if (!(spec.confirm && ctx.confirmFirst)) return runChange(ctx, intent(input));
      // Only what would be allowed is offered: the dry run refuses everything else now.
      const would = await ctx.core.change(ctx.actor, intent(input), { dryRun: true });
      const who = "member" in would ? would.member : null;
      return {
        type: "confirm",
        confirm: { kind: "remove", email: who?.email ?? "", invited: who?.status === "invited" },
      };
    },
  });
};
