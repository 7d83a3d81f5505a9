import { decideActivate } from "./decide.js";
import type { Engine } from "./engine.js";
import { CoreError } from "./errors.js";
import {
  accountNameSchema,
  emailSchema,
  parseInput,
  slackAccountKeySchema,
  slackUserIdSchema,
} from "./input.js";
import type { Account, AccountDigest, AuditEntry, AuditSource, Member } from "./model.js";
import type { ResultOf } from "./outcomes.js";
import type { NewAccount } from "./ports.js";
import { OWNER_ROLE } from "./roles.js";
import { newApiKey, newId } from "./tokens.js";

export interface CreatedAccount {
  account: Account;
  owner: { email: string };
  apiKey: string;
}

/** What deleting an account would take with it, for the operator to confirm. */
export interface AccountToDelete {
  account: Account;
  /** Current members (invited or active). */
  members: number;
  auditEntries: number;
  /** Still installed in Slack (OAuth mode): Slack keeps showing the app until it is removed there. */
  installed: boolean;
}

/**
 * Trusted operator verbs — whoever runs the rolecall binary on the database, without --as: create an
 * account, activate an invited member, read the whole log, delete an account. No member's rules
 * apply; each is audited as the operator (source cli), except a deletion, whose log goes with the
 * account and leaves its digest. Kept apart so nothing else reaches them by accident.
 */
export class Operator {
  constructor(private readonly e: Engine) {}

  /**
   * `by` is who the audit names: the operator (`rolecall init`), or the person whose Slack install
   * created the account. An installed account may be keyed by an Enterprise Grid id (E…).
   */
  async createAccount(
    input: {
      slackTeamId: string;
      name: string;
      ownerEmail: string;
      ownerSlackUserId?: string | null;
    },
    by: { actor: string; source: AuditSource } = { actor: "operator", source: "cli" },
    also?: (accountId: string, now: Date) => NewAccount["with"],
  ): Promise<CreatedAccount> {
    const slackTeamId = parseInput(slackAccountKeySchema, input.slackTeamId);
    const name = parseInput(accountNameSchema, input.name);
    const ownerEmail = parseInput(emailSchema, input.ownerEmail, "email");
    const ownerSlackUserId =
      input.ownerSlackUserId == null ? null : parseInput(slackUserIdSchema, input.ownerSlackUserId);
    if (await this.e.store.findAccountBySlackTeam(slackTeamId)) {
      throw new CoreError({ reason: "account_exists", team: slackTeamId });
    }
    const now = this.e.clock.now();
    const at = now.toISOString();
    const account: Omit<Account, "version" | "apiKey" | "fourEyes"> = {
      id: newId(),
      slackTeamId,
      name,
      approvalsChannel: null,
      createdAt: at,
    };
    const owner: Member = {
      id: newId(),
      accountId: account.id,
      email: ownerEmail,
      name: null,
      phone: null,
      role: OWNER_ROLE,
      status: "active",
      slackUserId: ownerSlackUserId,
      invitedBy: null,
      createdAt: at,
      updatedAt: at,
    };
    const apiKey = newApiKey();
    await this.e.store.createAccount(
      {
        account,
        owner,
        apiKeyHash: apiKey.hash,
        apiKeyPrefix: apiKey.prefix,
        ...(also ? { with: also(account.id, now) } : {}),
      },
      { actor: by.actor, source: by.source, requestId: null, now },
    );
    this.e.cache.invalidate();
    return {
      account: {
        ...account,
        fourEyes: false,
        version: 1,
        apiKey: { prefix: apiKey.prefix, createdAt: at, previous: [] },
      },
      owner: { email: ownerEmail },
      apiKey: apiKey.key,
    };
  }

  /** Marks an invited member active without the mail round trip (imports, recovery). */
  activate(accountId: string, email: unknown): Promise<ResultOf<"member.activated">> {
    const ref = { email: parseInput(emailSchema, email, "email") };
    return this.e.change(
      { kind: "operator", accountId },
      { target: ref, decide: (s) => decideActivate(s, ref.email) },
    );
  }

  /** Every account in the database (init and the try-out say what else is there). */
  listAccounts(): Promise<Account[]> {
    return this.e.store.listAccounts();
  }

  /** The whole log (the CLI without --as). */
  fullAuditLog(accountId: string): Promise<AuditEntry[]> {
    return this.e.store.listAudit(accountId);
  }

  /** The account a Slack team id names, with how many members and audit entries it holds. */
  async accountToDelete(slackTeamId: unknown): Promise<AccountToDelete> {
    const account = await this.accountOfTeam(slackTeamId);
    return this.e.store.read(async () => ({
      account,
      members: await this.e.store.countMembers(account.id, {}),
      // Entries are numbered from 1 without gaps: the newest one's number is the count.
      auditEntries: (await this.e.store.listAudit(account.id, 1))[0]?.seq ?? 0,
      installed: (await this.e.store.findInstallation(account.slackTeamId)) !== null,
    }));
  }

  /**
   * Deletes an account and everything it holds. Its own log goes with it, so what stays is the
   * digest (its entry count and chain head), listed by the store's `deletedAccounts`.
   */
  async deleteAccount(slackTeamId: unknown, confirmedAccountId?: string): Promise<AccountDigest> {
    const account = await this.accountOfTeam(slackTeamId);
    // The operator confirmed one account; one made anew under the same team id since is not it.
    if (confirmedAccountId !== undefined && account.id !== confirmedAccountId)
      throw new CoreError({ reason: "account_changed", team: account.slackTeamId });
    const digest = await this.e.store.deleteAccount(account.id, this.e.clock.now());
    this.e.cache.invalidate();
    // Null when another process deleted it between the lookup and now: the same fact either way.
    if (!digest) throw noAccount(account.slackTeamId);
    return digest;
  }

  private async accountOfTeam(slackTeamId: unknown): Promise<Account> {
    const team = parseInput(slackAccountKeySchema, slackTeamId, "team");
    const account = await this.e.store.findAccountBySlackTeam(team);
    if (!account) throw noAccount(team);
    return account;
  }
}

const noAccount = (slackTeamId: string) =>
  new CoreError({ reason: "no_account_named", team: slackTeamId }, "team");
