import type { webApi } from "@slack/bolt";
import { CoreError } from "../core/errors.js";
import type { AccessCore, ActorContext } from "../core/index.js";
import type { Logger } from "../log.js";
import { slackErrorCode } from "./slack-error.js";

/** Bolt's context of a request: which workspace or organisation it came from. */
export interface RequestSource {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

/**
 * The account a request is for: an org-wide install's organisation (every workspace in it shares one
 * account), else the workspace. `fallback` is the team id from the payload, for a source Bolt left bare.
 */
export const accountKeyOf = (source: RequestSource, fallback?: string): string | undefined =>
  source.isEnterpriseInstall && source.enterpriseId ? source.enterpriseId : (source.teamId ?? fallback);

/** Not the user's fault: Slack could not be asked. Nothing was changed. */
export class SlackUnavailableError extends Error {
  override readonly name = "SlackUnavailableError";
}

export interface SlackUser {
  /**
   * The account key the request came from: its workspace's team id, or its Enterprise Grid
   * organisation's id when Rolecall is installed org-wide. A request without one is refused (NOT_INSTALLED).
   */
  teamId: string | undefined;
  userId: string;
}

/**
 * PRODUCT §6: a Slack user is the member linked to their Slack id, else the member with the email
 * Slack reports for them (`users.info`), who is then linked.
 */
export class SlackActors {
  constructor(
    private readonly core: AccessCore,
    private readonly logger: Logger,
  ) {}

  /** The actor without any Web API call, when the user is already linked; null when Slack must be asked. */
  async local(user: SlackUser): Promise<ActorContext | null> {
    const account = await this.core.slackAccount(user.teamId);
    const member = await this.core.findLinkedMember(account.id, user.userId);
    return member ? { accountId: account.id, actor: { slackUserId: user.userId }, source: "slack" } : null;
  }

  /** Slack users mentioned in command words who are not linked to a member yet. */
  async unlinkedMentions(accountId: string, words: readonly string[]): Promise<string[]> {
    const ids = words
      .map((w) => /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(w)?.[1])
      .filter((id): id is string => !!id);
    const unlinked: string[] = [];
    for (const id of new Set(ids)) if (!(await this.core.findLinkedMember(accountId, id))) unlinked.push(id);
    return unlinked;
  }

  /** Links mentioned Slack users by the email Slack reports, so `/team role @tom admin` finds Tom. */
  async linkMentioned(
    accountId: string,
    userIds: readonly string[],
    client: webApi.WebClient,
  ): Promise<void> {
    for (const userId of userIds) {
      const email = await this.emailOf(userId, client);
      try {
        if (email) await this.core.linkSlackUser(accountId, email, userId);
      } catch (error) {
        // Someone who is not on the team: the command itself will say so.
        if (!(error instanceof CoreError)) throw error;
      }
    }
  }

  private async emailOf(userId: string, client: webApi.WebClient): Promise<string | undefined> {
    try {
      const info = await client.users.info({ user: userId });
      return info.user?.profile?.email;
    } catch (error) {
      // Slack's final answer that there is no such user (deleted, from another workspace, made up):
      // nobody to link. The command says so if it needed them; a mention in a reason is just text.
      if (slackErrorCode(error) === "user_not_found") return undefined;
      this.logger.warn(`users.info failed for ${userId}:`, error instanceof Error ? error.message : error);
      throw new SlackUnavailableError(
        "Rolecall could not reach Slack just now; nothing was changed. Please try again in a moment.",
      );
    }
  }

  async resolve(user: SlackUser, client: webApi.WebClient): Promise<ActorContext> {
    const linked = await this.local(user);
    if (linked) return linked;
    const account = await this.core.slackAccount(user.teamId);
    const email = await this.emailOf(user.userId, client);
    if (!email) {
      throw new CoreError({ reason: "slack_email_unknown" });
    }
    await this.core.linkSlackUser(account.id, email, user.userId);
    return { accountId: account.id, actor: { slackUserId: user.userId }, source: "slack" };
  }
}
