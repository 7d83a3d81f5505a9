import type { AccessCore } from "../core/access-core.js";
import type { ChangeRequest, RequestPost } from "../core/model.js";
import type { Logger } from "../log.js";
import { requestOutcome, requestPost } from "./blocks/requests.js";
import type { SlackClients } from "./clients.js";

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
    private readonly clients: SlackClients,
    private readonly logger: Logger,
  ) {}

  /** Expire what is due, then post and announce; concurrent calls share one run. */
  run(): Promise<void> {
    this.running ??= this.once().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Posts a just-filed request now, and says whether it reached at least one Owner. A run already
   * under way may have started before the request existed, so a fresh run follows it.
   */
  async deliver(request: ChangeRequest): Promise<boolean> {
    await this.running?.catch(() => {});
    await this.run().catch((e) => this.fail("post", request, e));
    return this.core.requests.get(request.accountId, request.id).posts.length > 0;
  }

  private async once(): Promise<void> {
    const { requests } = this.core;
    requests.expire();
    for (const request of requests.toPost())
      await this.post(request).catch((e) => this.fail("post", request, e));
    for (const request of requests.toAnnounce()) {
      await this.announce(request).catch((e) => this.fail("announce", request, e));
    }
  }

  /** Posts to every place; the copies that landed are kept even when another failed (no duplicates later). */
  private async post(request: ChangeRequest): Promise<void> {
    const channels = this.core.requests.destinations(request.accountId);
    if (channels.length === 0)
      this.logger.warn(`Request ${request.id}: no approvals channel and no owner linked to Slack`);
    const client = await this.clients.forAccount(request.accountId);
    const posts: RequestPost[] = [];
    let failure: unknown = null;
    for (const channel of channels) {
      try {
        const sent = await client.chat.postMessage({ channel, ...requestPost(request) });
        if (sent.channel && sent.ts) posts.push({ channel: sent.channel, ts: sent.ts });
      } catch (error) {
        failure = error;
      }
    }
    if (failure && posts.length === 0) throw failure;
    if (failure)
      this.logger.warn(
        `Request ${request.id}: one copy could not be posted:`,
        failure instanceof Error ? failure.message : failure,
      );
    this.core.requests.markPosted(request.accountId, request.id, posts);
  }

  private async announce(request: ChangeRequest): Promise<void> {
    const outcome = requestOutcome(request);
    const client = await this.clients.forAccount(request.accountId);
    for (const post of request.posts) {
      await client.chat.update({ channel: post.channel, ts: post.ts, ...requestPost(request) });
      await client.chat.postMessage({ channel: post.channel, thread_ts: post.ts, text: outcome });
    }
    if (request.requesterSlackUserId && request.status !== "cancelled") {
      await client.chat.postMessage({ channel: request.requesterSlackUserId, text: outcome });
    }
    this.core.requests.markAnnounced(request.accountId, request.id);
  }

  private fail(step: string, request: ChangeRequest, error: unknown): void {
    this.logger.warn(
      `Request ${request.id}: could not ${step} in Slack (will retry):`,
      error instanceof Error ? error.message : error,
    );
  }
}
