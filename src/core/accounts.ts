import { verifyChain } from "./audit.js";
import { authorize } from "./authz.js";
import type { ActorContext, Engine } from "./engine.js";
import { CoreError } from "./errors.js";
import type { Account, AuditEntry } from "./model.js";

/** The account as a whole: which one a call means, its settings, its audit log, its health. */
export class Accounts {
  constructor(private readonly e: Engine) {}

  private bySlackTeam(slackTeamId: string): Account | null {
    return this.e.cache.memo(`team:${slackTeamId}`, () => this.e.store.findAccountBySlackTeam(slackTeamId));
  }

  /**
   * The account installed for the Slack workspace a request came from. Slack requests never fall
   * back to "the only account": one without a team id, or from a team with no account, is refused.
   */
  forSlackTeam(slackTeamId: string | undefined): Account {
    const account = slackTeamId ? this.bySlackTeam(slackTeamId) : null;
    if (!account)
      throw new CoreError(
        "NOT_INSTALLED",
        "Rolecall is not set up for this Slack workspace. Ask a workspace admin to install it.",
      );
    return account;
  }

  /** The account a CLI call means; `slackTeamId` (--team) may be left out while there is only one. */
  resolve(slackTeamId?: string): Account {
    if (slackTeamId) {
      const account = this.bySlackTeam(slackTeamId);
      if (!account) {
        throw new CoreError(
          "NOT_INSTALLED",
          `No account is set up for Slack team ${slackTeamId}. Create one with: rolecall init --slack-team ${slackTeamId} --account <name> --owner <email>`,
        );
      }
      return account;
    }
    const accounts = this.e.store.listAccounts();
    if (accounts.length === 1 && accounts[0]) return accounts[0];
    if (accounts.length === 0) {
      throw new CoreError(
        "INVALID_INPUT",
        "No account exists yet. Create one with: rolecall init --slack-team <TEAM_ID> --account <name> --owner <email>",
      );
    }
    const named = accounts.slice(0, 10).map((a) => `${a.slackTeamId} (${a.name})`);
    if (accounts.length > named.length) named.push(`and ${accounts.length - named.length} more`);
    throw new CoreError(
      "INVALID_INPUT",
      `This database holds ${accounts.length} accounts: ${named.join(", ")}. ` +
        `Name the one you mean with --team, e.g. rolecall --team ${accounts[0]?.slackTeamId} --as <email> whoami`,
    );
  }

  settings(ctx: ActorContext): { approvalsChannel: string | null } {
    return this.e.store.read(() => {
      this.e.reader(ctx);
      return { approvalsChannel: this.e.requireAccount(ctx.accountId).approvalsChannel };
    });
  }

  auditLog(ctx: ActorContext, last: number): AuditEntry[] {
    return this.e.store.read(() => {
      const { actor, matrix } = this.e.reader(ctx);
      authorize("audit.view", actor, {}, matrix);
      return this.e.store.listAudit(ctx.accountId, last);
    });
  }

  verifyAudit(accountId: string) {
    return verifyChain(this.e.store.listAudit(accountId));
  }

  /** True when the database answers. */
  healthy(): boolean {
    try {
      this.e.store.dataVersion();
      return true;
    } catch {
      return false;
    }
  }
}
