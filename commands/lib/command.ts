import { z } from "zod";
import type {
  AccessCore,
  ActorContext,
  PermissionsView,
  RotatedKey,
  WhoAmI,
} from "../../src/core/access-core.js";
import type { ChangeResult } from "../../src/core/decide.js";
import { CoreError } from "../../src/core/errors.js";
import type {
  ApiKeyInfo,
  AuditEntry,
  ChangeRequest,
  MemberRef,
  MemberStatus,
  MemberView,
} from "../../src/core/model.js";
import type { ApprovalOutcome } from "../../src/core/requests.js";
import type { Role } from "../../src/core/roles.js";
import { memberArg, noFlags, noMore } from "./args.js";
import { type SplitArgs, splitFlags } from "./tokens.js";

export interface CommandContext {
  core: AccessCore;
  actor: ActorContext;
  /** Members per page of `list`; Slack always pages, the CLI only when asked (`--page`). */
  pageSize?: number;
}

/** What a command returns; Slack and the CLI each render it their own way. */
export type CommandResult =
  | { type: "help"; commands: { usage: string; summary: string }[] }
  | { type: "whoami"; whoami: WhoAmI }
  | {
      type: "list";
      members: MemberView[];
      total: number;
      offset: number;
      pageSize: number | null;
      filter: { role?: Role; status?: MemberStatus };
    }
  | { type: "perms"; view: PermissionsView }
  | { type: "change"; change: ChangeResult }
  | { type: "audit"; entries: AuditEntry[] }
  | { type: "settings"; approvalsChannel: string | null }
  | { type: "apikey"; key: ApiKeyInfo }
  | { type: "request_filed"; request: ChangeRequest }
  | { type: "requests"; toDecide: ChangeRequest[]; filed: ChangeRequest[] }
  | { type: "request_approved"; outcome: ApprovalOutcome }
  | { type: "request_closed"; request: ChangeRequest }
  | { type: "apikey_rotated"; rotated: RotatedKey }
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
  run(ctx: CommandContext, input: z.infer<S>): CommandResult;
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
    "INVALID_INPUT",
    `${issue?.message ?? "Invalid arguments."} Usage: ${command.usage}`,
    issue?.path.map(String).join(".") || undefined,
  );
};

export const unknownFlags = (args: Pick<SplitArgs, "flags">, allowed: readonly string[]): string[] =>
  [...args.flags.keys()].filter((flag) => !allowed.includes(flag));

/** The shape shared by commands that take exactly one member: remove, resend, revoke. */
export const defineMemberCommand = (spec: {
  name: string;
  summary: string;
  act: (core: AccessCore, actor: ActorContext, member: MemberRef) => ChangeResult;
}) =>
  defineCommand({
    name: spec.name,
    usage: `${spec.name} <member>`,
    summary: spec.summary,
    toInput: (args) => ({
      member: args.positionals[0],
      extra: args.positionals.slice(1),
      flags: unknownFlags(args, []),
    }),
    schema: z.object({ member: memberArg, extra: noMore, flags: noFlags }),
    run: ({ core, actor }, { member }) => ({ type: "change", change: spec.act(core, actor, member) }),
  });
