import type {
  Installation as BoltInstallation,
  InstallationStore as BoltStore,
  InstallationQuery,
} from "@slack/bolt";
import { webApi } from "@slack/bolt";
import { CoreError, DatabaseUnavailableError, TEMPORARY_CODES } from "../core/errors.js";
import type { AccessCore, InstallOutcome } from "../core/index.js";
import type { Installation } from "../core/model.js";
import type { Clock, InstallationStore } from "../core/ports.js";
import type { Logger } from "../log.js";
import { openTokens, sealTokens, type TokenCipher, TokenCipherError } from "../shared/token-cipher.js";
import { refusalWords } from "../words/en/refusals.js";
import { plainDoor } from "../words/format.js";
import { accountKeyOf, SlackUnavailableError } from "./actor.js";
import { welcomeMessage } from "./blocks/welcome.js";
import { withoutRequestBodies } from "./bolt-logger.js";
import { type ClientOptions, type SlackClients, slackErrorCode } from "./clients.js";
import { BOT_SCOPES } from "./scopes.js";

/** Slack's rotating bot tokens live 12 hours; like Bolt, Rolecall refreshes one in its last two. */
export const REFRESH_BEFORE_MS = 2 * 60 * 60_000;
/** The one `oauth.v2.access` call a refresh makes: no retries, and well inside the lease. */
const REFRESH_CALL_TIMEOUT_MS = 10_000;
/** How long one instance may take to refresh a token before another may try. */
export const REFRESH_LEASE_MS = 30_000;
const REFRESH_POLL_MS = 100;
const REFRESH_POLLS = (REFRESH_LEASE_MS + 5_000) / REFRESH_POLL_MS;

/** An install Rolecall cannot complete, with the reason the installer is shown. */
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

/** What an install did, for the page that follows it. */
export interface InstallDone extends InstallOutcome {
  /** Whether the first Owner's welcome message went out. */
  welcomed: boolean;
}

const expiresSoon = (i: Installation, now: number): boolean =>
  i.tokenExpiresAt !== null && Date.parse(i.tokenExpiresAt) - now < REFRESH_BEFORE_MS;

const expired = (i: Installation, now: number): boolean =>
  i.tokenExpiresAt !== null && Date.parse(i.tokenExpiresAt) <= now;

const renewFailed = () =>
  new SlackUnavailableError(
    "Rolecall could not renew its Slack token just now. Please try again in a moment.",
  );

/** Slack's error codes that mean a token no longer works (uninstalled, revoked, expired). */
const DEAD_TOKEN = new Set([
  "account_inactive",
  "token_revoked",
  "invalid_auth",
  "not_authed",
  "token_expired",
]);

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
  private readonly outcomes = new WeakMap<object, InstallDone>();
  private readonly refreshClient: webApi.WebClient;

  constructor(
    private readonly core: AccessCore,
    private readonly installations: InstallationStore,
    private readonly cipher: TokenCipher,
    private readonly oauth: OAuthApp,
    private readonly options: ClientOptions,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.refreshClient = new webApi.WebClient(undefined, {
      ...options,
      logger: withoutRequestBodies(options.logger),
      timeout: REFRESH_CALL_TIMEOUT_MS,
      retryConfig: { retries: 0 },
    });
  }

  /** Bolt's view of the installations: it stores new installs and fetches each request's token here. */
  readonly boltStore: BoltStore = {
    storeInstallation: (installation) => this.store(installation),
    fetchInstallation: (query) => this.fetch(query),
    deleteInstallation: async () => {
      // Uninstalls arrive as events and go through the core (audited, compared by install time).
    },
  };

  outcomeOf(installation: object): InstallDone | undefined {
    return this.outcomes.get(installation);
  }

  /** Background work waits for a renewal when the token is close to its end. */
  async forAccount(accountId: string): Promise<webApi.WebClient> {
    const installation = await this.core.installs.installationOf(accountId);
    const resolved = installation ? await this.fresh(installation, true) : null;
    if (!resolved)
      throw new SlackUnavailableError("Rolecall is not installed in this Slack workspace any more.");
    return this.clientFor(resolved.installation.key, resolved.botToken);
  }

  async start(): Promise<void> {
    this.logger.info("Slack OAuth mode: workspaces add Rolecall at /slack/install");
  }

  /**
   * The installation for an account key with a token to use now; null when there is none. A request
   * never waits for a renewal while its token still works (Slack wants an answer in 3 seconds): the
   * renewal goes on beside it.
   */
  async resolve(key: string): Promise<Resolved | null> {
    const installation = await this.core.installs.installation(key);
    return installation ? this.fresh(installation, false) : null;
  }

  /**
   * Whether the installation stored for `key` still works in Slack (`auth.test`): true, false (Slack
   * says its token is dead), or null when Slack could not be asked or there is none.
   */
  async stillWorks(key: string): Promise<boolean | null> {
    const installation = await this.core.installs.installation(key);
    if (!installation) return null;
    try {
      await this.clientFor(key, this.opened(installation).botToken).auth.test();
      return true;
    } catch (error) {
      return DEAD_TOKEN.has(slackErrorCode(error) ?? "") ? false : null;
    }
  }

  private clientFor(key: string, token: string): webApi.WebClient {
    const known = this.clients.get(key);
    if (known?.token === token) return known.client;
    const client = new webApi.WebClient(token, this.options);
    this.clients.set(key, { token, client });
    return client;
  }

  private fresh(installation: Installation, wait: boolean): Promise<Resolved | null> {
    const now = this.clock.now().getTime();
    if (!expiresSoon(installation, now)) return Promise.resolve(this.opened(installation));
    // One refresh per installation in this process; the lease makes it one across instances.
    let refresh = this.refreshing.get(installation.key);
    if (!refresh) {
      refresh = this.refresh(installation).finally(() => this.refreshing.delete(installation.key));
      this.refreshing.set(installation.key, refresh);
    }
    if (wait || expired(installation, now)) return refresh;
    refresh.catch(() => {});
    return Promise.resolve(this.opened(installation));
  }

  private opened(installation: Installation): Resolved {
    return {
      installation,
      botToken: openTokens(this.cipher, installation.key, installation.tokens).botToken,
    };
  }

  private async refresh(seen: Installation): Promise<Resolved | null> {
    let current: Installation | null = seen;
    // Until the token is no longer the one seen expiring: renewed here, or by another instance.
    for (let polls = 0; current && current.tokens.botToken === seen.tokens.botToken; polls++) {
      const now = this.clock.now();
      if (!expiresSoon(current, now.getTime()) || !current.tokenExpiresAt) break;
      const until = new Date(now.getTime() + REFRESH_LEASE_MS);
      if (await this.installations.claimTokenRefresh(current.key, current.tokenExpiresAt, now, until))
        return this.refreshHeld(current, until);
      // Another instance holds the lease: its new token shows up in the row.
      if (polls >= REFRESH_POLLS) break;
      await new Promise((r) => setTimeout(r, REFRESH_POLL_MS));
      current = await this.core.installs.installation(seen.key);
    }
    if (!current) return null;
    if (expired(current, this.clock.now().getTime())) throw renewFailed();
    return this.opened(current);
  }

  /** Refreshes under a lease this instance took until `until`. */
  private async refreshHeld(installation: Installation, until: Date): Promise<Resolved> {
    const { key } = installation;
    let answer: webApi.OauthV2AccessResponse;
    try {
      const { refreshToken } = openTokens(this.cipher, key, installation.tokens);
      if (!refreshToken) throw new Error("the installation has an expiring token but no refresh token");
      answer = await this.refreshClient.oauth.v2.access({
        client_id: this.oauth.clientId,
        client_secret: this.oauth.clientSecret,
        grant_type: "refresh_token",
        refresh_token: refreshToken,
      });
      if (!answer.access_token || !answer.refresh_token || !answer.expires_in)
        throw new Error("Slack's answer held no new token");
    } catch (error) {
      await this.installations.releaseTokenRefresh(key, until).catch(() => {});
      this.logger.warn(
        `Could not refresh the Slack token of ${key}:`,
        error instanceof Error ? error.message : error,
      );
      if (!expired(installation, this.clock.now().getTime())) return this.opened(installation);
      throw renewFailed();
    }
    // Slack has issued new tokens and spent the old refresh token: they must reach the database.
    const botToken = answer.access_token;
    const tokens = sealTokens(this.cipher, key, { botToken, refreshToken: answer.refresh_token });
    const tokenExpiresAt = new Date(this.clock.now().getTime() + answer.expires_in * 1000).toISOString();
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.installations.saveRefreshedTokens(key, installation.tokens, tokens, tokenExpiresAt)) {
          this.logger.info(`Refreshed the Slack token of ${key}`);
          return { installation: { ...installation, tokens, tokenExpiresAt }, botToken };
        }
        // Replaced meanwhile (a reinstall, or a refresh saved first): the stored tokens are the ones.
        const stored = await this.core.installs.installation(key);
        if (!stored)
          throw new SlackUnavailableError("Rolecall is not installed in this Slack workspace any more.");
        return this.opened(stored);
      } catch (error) {
        if (!(error instanceof DatabaseUnavailableError) || attempt >= 5) {
          this.logger.error(
            `Could not store the refreshed Slack token of ${key}; a reinstall may be needed:`,
            error,
          );
          throw error;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
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
          // A token no key opens (ROLECALL_ENCRYPTION_KEY_PREVIOUS left out mid-rotation): said loudly here.
          if (error instanceof TokenCipherError) {
            this.logger.error(`Could not open the Slack token of ${key}:`, error.message);
            return null;
          }
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

  /**
   * After Slack's `oauth.v2.access`: make the workspace ready (account, first Owner, welcome) and keep
   * its tokens sealed. When Rolecall cannot, it gives the token back (`auth.revoke`), so Slack holds
   * no installation that Rolecall does not.
   */
  private async store(granted: BoltInstallation<"v1" | "v2", boolean>): Promise<void> {
    const orgWide = granted.isEnterpriseInstall === true;
    const key = orgWide ? granted.enterprise?.id : granted.team?.id;
    const bot = granted.bot;
    if (!key || !bot?.token || !bot.userId)
      throw new InstallRefusedError(
        "Slack did not give Rolecall a bot token for this workspace, so nothing was installed.",
      );
    const client = this.clientFor(key, bot.token);
    let outcome: InstallOutcome;
    try {
      const missing = BOT_SCOPES.filter((scope) => !bot.scopes.includes(scope));
      if (missing.length > 0)
        throw new InstallRefusedError(
          `Slack granted Rolecall less than it needs (without ${missing.join(", ")}), so nothing was installed. Please start again and allow everything it asks for.`,
        );
      outcome = await this.core.installs.install({
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
          tokens: sealTokens(this.cipher, key, {
            botToken: bot.token,
            refreshToken: bot.refreshToken ?? null,
          }),
        },
        workspaceName: (orgWide ? granted.enterprise?.name : granted.team?.name) ?? key,
        installerEmail: await this.emailOf(client, granted.user.id),
      });
    } catch (error) {
      await client.auth
        .revoke()
        .catch((e) =>
          this.logger.warn(`Could not give back the token of ${key}:`, e instanceof Error ? e.message : e),
        );
      if (error instanceof CoreError && !TEMPORARY_CODES.has(error.code))
        throw new InstallRefusedError(`${refusalWords(error.refusal, plainDoor)} Nothing was installed.`);
      throw error;
    }
    let welcomed = false;
    if (outcome.created) {
      welcomed = await client.chat
        .postMessage({ channel: granted.user.id, ...welcomeMessage(outcome.account.name, granted.user.id) })
        .then(() => true)
        .catch((e) => {
          this.logger.warn(
            `Could not send the welcome message in ${key}:`,
            e instanceof Error ? e.message : e,
          );
          return false;
        });
    }
    this.outcomes.set(granted, { ...outcome, welcomed });
  }

  /** The installer's email as Slack reports it; null when Slack would not say (a reinstall does without). */
  private async emailOf(client: webApi.WebClient, userId: string): Promise<string | null> {
    try {
      return (await client.users.info({ user: userId })).user?.profile?.email ?? null;
    } catch (error) {
      this.logger.warn(
        `users.info failed for the installer ${userId}:`,
        error instanceof Error ? error.message : error,
      );
      return null;
    }
  }
}
