import type {
  Installation as BoltInstallation,
  InstallationStore as BoltStore,
  InstallationQuery,
} from "@slack/bolt";
import { webApi } from "@slack/bolt";
import type { AccessCore, InstallOutcome } from "../core/access-core.js";
import { DatabaseUnavailableError } from "../core/errors.js";
import type { Installation } from "../core/model.js";
import type { Clock, InstallationStore } from "../core/ports.js";
import type { Logger } from "../log.js";
import { accountKeyOf, SlackUnavailableError } from "./actor.js";
import { welcomeMessage } from "./blocks/welcome.js";
import type { SlackClients } from "./clients.js";
import { openTokens, sealTokens, type TokenCipher } from "./token-cipher.js";

/** Slack's rotating bot tokens live 12 hours; like Bolt, Rolecall refreshes one in its last two. */
export const REFRESH_BEFORE_MS = 2 * 60 * 60_000;
/** How long one instance may take to refresh a token before another may try. */
export const REFRESH_LEASE_MS = 30_000;
const REFRESH_POLL_MS = 100;

/** An install Rolecall cannot complete, with the reason the installer is shown. Nothing was stored. */
export class InstallRefusedError extends Error {
  override readonly name = "InstallRefusedError";
  readonly code = "rolecall_install_refused";
}

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
}

interface Resolved {
  installation: Installation;
  botToken: string;
}

const expiresSoon = (i: Installation, now: number): boolean =>
  i.tokenExpiresAt !== null && Date.parse(i.tokenExpiresAt) - now < REFRESH_BEFORE_MS;

const expired = (i: Installation, now: number): boolean =>
  i.tokenExpiresAt !== null && Date.parse(i.tokenExpiresAt) <= now;

/**
 * OAuth mode's one token resolver. Bolt's InstallProvider stores what Slack grants through it
 * (`boltStore.storeInstallation`) and asks it for each request's token (`fetchInstallation`);
 * background work asks `forAccount`. Both read the installation from Rolecall's database, open its
 * sealed tokens, and refresh a rotating token before it expires — one refresh per installation at a
 * time, across instances (a lease on the row), so two refreshes never invalidate each other.
 */
export class InstalledWorkspaces implements SlackClients {
  private readonly clients = new Map<string, { token: string; client: webApi.WebClient }>();
  private readonly refreshing = new Map<string, Promise<Resolved | null>>();
  /** What each install did (created an account, or updated one), for the page that follows it. */
  private readonly outcomes = new WeakMap<object, InstallOutcome>();
  private readonly noTokenClient: webApi.WebClient;

  constructor(
    private readonly core: AccessCore,
    private readonly installations: InstallationStore,
    private readonly cipher: TokenCipher,
    private readonly oauth: OAuthApp,
    private readonly options: webApi.WebClientOptions,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.noTokenClient = new webApi.WebClient(undefined, options);
  }

  /** Bolt's view of the installations: it stores new installs and fetches each request's token here. */
  readonly boltStore: BoltStore = {
    storeInstallation: (installation) => this.store(installation),
    fetchInstallation: (query) => this.fetch(query),
    deleteInstallation: async () => {
      // Uninstalls arrive as events and go through the core (audited, compared by install time).
    },
  };

  outcomeOf(installation: object): InstallOutcome | undefined {
    return this.outcomes.get(installation);
  }

  async forAccount(accountId: string): Promise<webApi.WebClient> {
    const installation = await this.core.installs.installationOf(accountId);
    const resolved = installation ? await this.fresh(installation) : null;
    if (!resolved)
      throw new SlackUnavailableError("Rolecall is not installed in this Slack workspace any more.");
    return this.clientFor(resolved.installation.key, resolved.botToken);
  }

  async start(): Promise<void> {
    const count = (await this.installations.listInstallations().catch(() => [])).length;
    this.logger.info(`Slack OAuth mode: ${count} workspace installation${count === 1 ? "" : "s"}`);
  }

  /** The installation for an account key with a token good to use now; null when there is none. */
  async resolve(key: string): Promise<Resolved | null> {
    const installation = await this.core.installs.installation(key);
    return installation ? this.fresh(installation) : null;
  }

  private clientFor(key: string, token: string): webApi.WebClient {
    const known = this.clients.get(key);
    if (known?.token === token) return known.client;
    const client = new webApi.WebClient(token, this.options);
    this.clients.set(key, { token, client });
    return client;
  }

  private fresh(installation: Installation): Promise<Resolved | null> {
    if (!expiresSoon(installation, this.clock.now().getTime()))
      return Promise.resolve(this.opened(installation));
    // One refresh per installation in this process; the lease makes it one across instances.
    let refresh = this.refreshing.get(installation.key);
    if (!refresh) {
      refresh = this.refresh(installation).finally(() => this.refreshing.delete(installation.key));
      this.refreshing.set(installation.key, refresh);
    }
    return refresh;
  }

  private opened(installation: Installation): Resolved {
    return {
      installation,
      botToken: openTokens(this.cipher, installation.key, installation.tokens).botToken,
    };
  }

  private async refresh(seen: Installation): Promise<Resolved | null> {
    const deadline = Date.now() + REFRESH_LEASE_MS + 5_000;
    let current: Installation | null = seen;
    // Until the token is no longer the one seen expiring: renewed here, or by another instance.
    while (
      current &&
      current.tokenExpiresAt === seen.tokenExpiresAt &&
      expiresSoon(current, this.clock.now().getTime())
    ) {
      const now = this.clock.now();
      const until = new Date(now.getTime() + REFRESH_LEASE_MS);
      if (
        current.tokenExpiresAt &&
        (await this.installations.claimTokenRefresh(current.key, current.tokenExpiresAt, now, until))
      ) {
        const refreshed = await this.refreshHeld(current, until);
        if (refreshed) return refreshed;
      } else if (Date.now() > deadline) {
        break;
      } else {
        // Another instance holds the lease: its new token shows up in the row.
        await new Promise((r) => setTimeout(r, REFRESH_POLL_MS));
      }
      current = await this.core.installs.installation(seen.key);
    }
    if (!current) return null;
    if (expired(current, this.clock.now().getTime()))
      throw new SlackUnavailableError(
        "Rolecall could not renew its Slack token just now. Please try again in a moment.",
      );
    return this.opened(current);
  }

  /** Refreshes under a lease this instance holds until `until`; null when the lease was lost meanwhile. */
  private async refreshHeld(installation: Installation, until: Date): Promise<Resolved | null> {
    const { key } = installation;
    try {
      const { refreshToken } = openTokens(this.cipher, key, installation.tokens);
      if (!refreshToken) throw new Error("the installation has an expiring token but no refresh token");
      const answer = await this.noTokenClient.oauth.v2.access({
        client_id: this.oauth.clientId,
        client_secret: this.oauth.clientSecret,
        grant_type: "refresh_token",
        refresh_token: refreshToken,
      });
      if (!answer.access_token || !answer.refresh_token || !answer.expires_in)
        throw new Error("Slack's answer held no new token");
      const tokens = { botToken: answer.access_token, refreshToken: answer.refresh_token };
      const expiresAt = new Date(this.clock.now().getTime() + answer.expires_in * 1000).toISOString();
      if (
        !(await this.installations.saveRefreshedTokens(
          key,
          until,
          sealTokens(this.cipher, key, tokens),
          expiresAt,
        ))
      )
        return null;
      this.logger.info(`Refreshed the Slack token of ${key}`);
      return {
        installation: {
          ...installation,
          tokenExpiresAt: expiresAt,
          tokens: sealTokens(this.cipher, key, tokens),
        },
        botToken: tokens.botToken,
      };
    } catch (error) {
      await this.installations.releaseTokenRefresh(key, until).catch(() => {});
      this.logger.warn(
        `Could not refresh the Slack token of ${key}:`,
        error instanceof Error ? error.message : error,
      );
      if (!expired(installation, this.clock.now().getTime())) return this.opened(installation);
      throw new SlackUnavailableError(
        "Rolecall could not renew its Slack token just now. Please try again in a moment.",
      );
    }
  }

  /**
   * A workspace with no installation gets an installation without a bot token, not an error: Bolt
   * would drop the request silently, and Rolecall tells the person instead (listeners/installs.ts).
   */
  private async fetch(query: InstallationQuery<boolean>): Promise<BoltInstallation> {
    const key = accountKeyOf(query);
    // A database away or a token that cannot be renewed now: the request goes on without a token,
    // and the middleware asks again and tells the person to try shortly (rather than silence).
    const resolved = key
      ? await this.resolve(key).catch((error: unknown) => {
          if (error instanceof DatabaseUnavailableError || error instanceof SlackUnavailableError)
            return null;
          throw error;
        })
      : null;
    const none: BoltInstallation = {
      team: query.teamId ? { id: query.teamId } : undefined,
      enterprise: query.enterpriseId ? { id: query.enterpriseId } : undefined,
      user: { id: "", token: undefined, scopes: undefined },
      isEnterpriseInstall: query.isEnterpriseInstall,
    };
    if (!resolved) return none;
    const { installation, botToken } = resolved;
    return {
      ...none,
      appId: installation.appId ?? undefined,
      // No refresh token for Bolt: refreshing is this resolver's, under its lease.
      bot: {
        token: botToken,
        scopes: installation.scopes,
        id: installation.botId ?? "",
        userId: installation.botUserId,
      },
    };
  }

  /** After Slack's `oauth.v2.access`: make the workspace ready (account, first Owner, welcome) and keep its tokens sealed. */
  private async store(granted: BoltInstallation<"v1" | "v2", boolean>): Promise<void> {
    const orgWide = granted.isEnterpriseInstall === true;
    const key = orgWide ? granted.enterprise?.id : granted.team?.id;
    const bot = granted.bot;
    if (!key || !bot?.token || !bot.userId)
      throw new InstallRefusedError(
        "Slack did not give Rolecall a bot token for this workspace, so nothing was installed.",
      );
    const client = this.clientFor(key, bot.token);
    const installerEmail = await this.emailOf(client, granted.user.id);
    const outcome = await this.core.installs.install({
      installation: {
        key,
        teamId: granted.team?.id ?? null,
        enterpriseId: granted.enterprise?.id ?? null,
        isEnterpriseInstall: orgWide,
        appId: granted.appId ?? null,
        botId: bot.id || null,
        botUserId: bot.userId,
        scopes: bot.scopes,
        installerUserId: granted.user.id,
        tokenExpiresAt: bot.expiresAt ? new Date(bot.expiresAt * 1000).toISOString() : null,
        tokens: sealTokens(this.cipher, key, { botToken: bot.token, refreshToken: bot.refreshToken ?? null }),
      },
      workspaceName: (orgWide ? granted.enterprise?.name : granted.team?.name) ?? key,
      installerEmail,
    });
    this.outcomes.set(granted, outcome);
    if (outcome.created) {
      await client.chat
        .postMessage({ channel: granted.user.id, ...welcomeMessage(outcome.account.name, granted.user.id) })
        .catch((e) =>
          this.logger.warn(
            `Could not send the welcome message in ${key}:`,
            e instanceof Error ? e.message : e,
          ),
        );
    }
  }

  private async emailOf(client: webApi.WebClient, userId: string): Promise<string> {
    let email: string | undefined;
    try {
      email = (await client.users.info({ user: userId })).user?.profile?.email;
    } catch (error) {
      this.logger.warn(
        `users.info failed for the installer ${userId}:`,
        error instanceof Error ? error.message : error,
      );
      throw new InstallRefusedError(
        "Rolecall could not ask Slack who you are, so nothing was installed. Please try again.",
      );
    }
    if (!email)
      throw new InstallRefusedError(
        "Slack did not share your email address with Rolecall, so it cannot make you the team's first Owner. Nothing was installed.",
      );
    return email;
  }
}
