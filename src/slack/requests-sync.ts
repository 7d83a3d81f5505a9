import type { Logger, webApi } from "@slack/bolt";
import type { AccessCore } from "../core/access-core.js";
import type { ChangeRequest, RequestPost } from "../core/model.js";
import { requestOutcome, requestPost } from "./blocks/requests.js";

/**
 * Brings Slack in line with the requests table, whichever door a change came through (Slack, the
 * CLI, the expiry timer): new requests are posted — to the approvals channel, else to each active
 * owner linked to Slack by DM — and decided ones get their outcome in the thread, their posts
 * updated (buttons gone, status shown) and a DM to the requester. Safe to run again after a failure.
 */
export class RequestsSync {
  private running: Promise<void> | null = null;

  constructor(
    private readonly core: AccessCore,
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
  ) {}

  /** Expire what is due, then post and announce; concurrent calls share one run. */
  run(): Promise<void> {
    this.running ??= this.once().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async once(): Promise<void> {
    const { requests } = this.core;
    requests.expire();
    for (const request of requests.requests.requestsToPost())
      await this.post(request).catch((e) => this.fail("post", request, e));
    for (const request of requests.requests.requestsToAnnounce()) {
      await this.announce(request).catch((e) => this.fail("announce", request, e));
    }
  }

  private async post(request: ChangeRequest): Promise<void> {
    const account = this.core.store.getAccount(request.accountId);
    const channels = account?.approvalsChannel
      ? [account.approvalsChannel]
      : this.core.requests.ownersInSlack(request.accountId).map((o) => o.slackUserId ?? "");
    if (channels.length === 0)
      this.logger.warn(`Request ${request.id}: no approvals channel and no owner linked to Slack`);
    const posts: RequestPost[] = [];
    for (const channel of channels) {
      const sent = await this.client.chat.postMessage({ channel, ...requestPost(request) });
      if (sent.channel && sent.ts) posts.push({ channel: sent.channel, ts: sent.ts });
    }
    this.core.requests.requests.markPosted(request.accountId, request.id, posts);
  }

  private async announce(request: ChangeRequest): Promise<void> {
    const outcome = requestOutcome(request);
    for (const post of request.posts) {
      await this.client.chat.postMessage({ channel: post.channel, thread_ts: post.ts, text: outcome });
      await this.client.chat.update({ channel: post.channel, ts: post.ts, ...requestPost(request) });
    }
    if (request.requesterSlackUserId && request.status !== "cancelled") {
      await this.client.chat.postMessage({ channel: request.requesterSlackUserId, text: outcome });
    }
    this.core.requests.requests.markAnnounced(request.accountId, request.id);
  }

  private fail(step: string, request: ChangeRequest, error: unknown): void {
    this.logger.warn(
      `Request ${request.id}: could not ${step} in Slack (will retry):`,
      error instanceof Error ? error.message : error,
    );
  }
}
