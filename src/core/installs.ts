import { decideInstall, decideUninstall, type UninstallReason } from "./decide/installs.js";
import type { Engine } from "./engine.js";
import { CoreError } from "./errors.js";
import {
  emailSchema,
  nameSchema,
  parseInput,
  slackAccountKeySchema,
  slackUserIdSchema,
  withoutHiddenCharacters,
} from "./input.js";
import type { Account, Installation } from "./model.js";
import type { Operator } from "./operator.js";

export interface InstallRequest {
  /** The installation as Slack granted it, its tokens already sealed. */
  installation: Omit<Installation, "accountId" | "installedAt">;
  /** The workspace's (or, org-wide, the organisation's) name: a new account is named after it. */
  workspaceName: string;
  /** The email Slack reports for the person who clicked Allow (null: not shared; a first install needs it). */
  installerEmail: string | null;
}

export interface InstallOutcome {
  account: Account;
  /** True when this install created the account (its installer is now its first Owner). */
  created: boolean;
}

/** A workspace name as an account name: Slack allows names Rolecall would refuse for a person. */
const accountName = (workspaceName: string, key: string): string => {
  const cleaned = withoutHiddenCharacters(workspaceName).trim().slice(0, 100);
  return nameSchema.safeParse(cleaned).success ? cleaned : `Slack workspace ${key}`;
};

/**
 * Rolecall installed from Slack (OAuth): the first install of a workspace creates its account with
 * the installer as its first, linked Owner; a reinstall updates the installation and keeps the
 * account, its members and its log; an uninstall removes the installation and keeps the rest until
 * an operator deletes the account. Each is audited.
 */
export class Installs {
  constructor(
    private readonly e: Engine,
    private readonly operator: Operator,
  ) {}

  async install(input: InstallRequest): Promise<InstallOutcome> {
    const key = parseInput(slackAccountKeySchema, input.installation.key, "team");
    const installer = parseInput(slackUserIdSchema, input.installation.installerUserId);
    const email =
      input.installerEmail === null ? null : parseInput(emailSchema, input.installerEmail, "email");
    const installation = (accountId: string, now: Date): Installation => ({
      ...input.installation,
      key,
      accountId,
      installedAt: now.toISOString(),
    });
    const existing = await this.e.store.findAccountBySlackTeam(key);
    if (!existing) {
      if (!email) throw new CoreError({ reason: "installer_email_missing" }, "email");
      try {
        // The account, its first Owner and its installation: one transaction, so none is ever half there.
        const { account } = await this.operator.createAccount(
          {
            slackTeamId: key,
            name: accountName(input.workspaceName, key),
            ownerEmail: email,
            ownerSlackUserId: installer,
          },
          { actor: email, source: "slack" },
          (accountId, now) => decideInstall(null, installation(accountId, now)),
        );
        return { account, created: true };
      } catch (error) {
        // Another instance created it a moment ago (Allow clicked twice): this install updates it.
        if (!(await this.e.store.findAccountBySlackTeam(key))) throw error;
      }
    }
    const account = existing ?? (await this.e.store.findAccountBySlackTeam(key));
    if (!account) throw new CoreError({ reason: "no_such_account" });
    await this.e.change(
      { kind: "system", accountId: account.id, label: email ?? installer, source: "slack" },
      {
        installationKey: key,
        decide: (state) => decideInstall(state.installation ?? null, installation(account.id, state.now)),
      },
    );
    return { account, created: false };
  }

  /** Slack says the app was uninstalled, or its tokens revoked, at `at`. Safe to hear twice, or late. */
  async uninstall(key: string, at: Date, reason: UninstallReason): Promise<{ removed: boolean }> {
    const account = await this.e.store.findAccountBySlackTeam(key);
    if (!account) return { removed: false };
    return this.e.change(
      { kind: "system", accountId: account.id, label: "system", source: "slack" },
      { installationKey: key, decide: (state) => decideUninstall(state, at, reason) },
    );
  }

  installation(key: string): Promise<Installation | null> {
    return this.e.store.findInstallation(key);
  }

  /** The installation that speaks for an account in Slack (null: none, or no such account). */
  async installationOf(accountId: string): Promise<Installation | null> {
    const account = await this.e.store.getAccount(accountId);
    return account ? this.e.store.findInstallation(account.slackTeamId) : null;
  }
}
