import { auditMemberEmail, auditRequestId, verifyChain } from "./audit.js";
import { authorize } from "./authz.js";
import type { ActorContext, Engine } from "./engine.js";
import { CoreError } from "./errors.js";
import type { Account, AuditEntry, PersonRef } from "./model.js";
import type { MaybePromise } from "./permission-cache.js";

/** One page of the audit log read a change at a time, with who its entries name. */
export interface AuditPage {
  /** Every entry of the page's changes, oldest first. */
  entries: AuditEntry[];
  /** The members its entries name (who acted, who was acted on, who asked), as sentences name them. */
  people: PersonRef[];
  /** Who filed each change request its entries mention, by request id. */
  requesters: Record<string, string>;
  /** The cursor it was read before (null: the newest page). */
  before: number | null;
  /** The cursor of the next older page; null when this page reaches the first entry. */
  older: number | null;
}

/** The account as a whole: which one a call means, its settings, its audit log, its health. */
export class Accounts {
  constructor(private readonly e: Engine) {}

  private bySlackTeam(slackTeamId: string): MaybePromise<Account | null> {
    return this.e.cache.memo(`team:${slackTeamId}`, () => this.e.store.findAccountBySlackTeam(slackTeamId));
  }

  /**
   * The account installed for the Slack workspace a request came from. Slack requests never fall
   * back to "the only account": one without a team id, or from a team with no account, is refused.
   */
  async forSlackTeam(slackTeamId: string | undefined): Promise<Account> {
    const account = slackTeamId ? await this.bySlackTeam(slackTeamId) : null;
    if (!account) throw new CoreError({ reason: "not_installed" });
    return account;
  }

  /** The account a CLI call means; `slackTeamId` (--team) may be left out while there is only one. */
  async resolve(slackTeamId?: string): Promise<Account> {
    if (slackTeamId) {
      const account = await this.bySlackTeam(slackTeamId);
      if (!account) {
        throw new CoreError({ reason: "no_account_for_team", team: slackTeamId });
      }
      return account;
    }
    const accounts = await this.e.store.listAccounts();
    if (accounts.length === 1 && accounts[0]) return accounts[0];
    if (accounts.length === 0) {
      throw new CoreError({ reason: "no_account_yet" });
    }
    throw new CoreError({
      reason: "which_account",
      count: accounts.length,
      accounts: accounts.slice(0, 10).map((a) => ({ team: a.slackTeamId, name: a.name })),
    });
  }

  settings(ctx: ActorContext): Promise<{ approvalsChannel: string | null; fourEyes: boolean }> {
    return this.e.store.read(async () => {
      await this.e.reader(ctx);
      const { approvalsChannel, fourEyes } = await this.e.requireAccount(ctx.accountId);
      return { approvalsChannel, fourEyes };
    });
  }

  auditLog(ctx: ActorContext, last: number): Promise<AuditEntry[]> {
    return this.e.store.read(async () => {
      await this.mayReadAudit(ctx);
      return this.e.store.listAudit(ctx.accountId, last);
    });
  }

  /**
   * The newest `last` changes before entry `before` (a cursor from a previous page), whole: the
   * entries one change wrote stay together. Needs what the log itself needs (Team Settings).
   */
  auditChanges(
    ctx: ActorContext,
    { last, before }: { last: number; before: number | null },
  ): Promise<AuditPage> {
    return this.e.store.read(async () => {
      await this.mayReadAudit(ctx);
      const entries = await this.e.store.listAuditChanges(ctx.accountId, last, before);
      const requesters: Record<string, string> = {};
      for (const e of entries) {
        const id = auditRequestId(e);
        const request = id && !(id in requesters) ? await this.e.store.getRequest(ctx.accountId, id) : null;
        if (id && request) requesters[id] = request.requesterEmail;
      }
      const emails = new Set(
        [
          ...entries.flatMap((e) => [e.actor, auditMemberEmail(e.target) ?? ""]),
          ...Object.values(requesters),
        ].filter((s) => s.includes("@")),
      );
      const people: PersonRef[] = [];
      for (const email of emails) {
        const m = await this.e.store.findMember(ctx.accountId, { email });
        if (m) people.push({ email: m.email, name: m.name, slackUserId: m.slackUserId });
      }
      const first = entries[0]?.seq ?? before ?? 1;
      return { entries, people, requesters, before, older: first > 1 ? first : null };
    });
  }

  private async mayReadAudit(ctx: ActorContext): Promise<void> {
    const { actor, matrix } = await this.e.reader(ctx);
    authorize("audit.view", actor, {}, matrix);
  }

  async verifyAudit(accountId: string) {
    return verifyChain(await this.e.store.listAudit(accountId));
  }

  /** Ready to serve: the database answers and its schema is the one this code knows. */
  async ready(): Promise<boolean> {
    try {
      await this.e.store.ping();
      return true;
    } catch {
      return false;
    }
  }
}
