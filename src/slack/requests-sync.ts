import type { AccessCore } from "../core/index.js";
import type { ChangeRequest, RequestPost } from "../core/model.js";
import type { Logger } from "../log.js";
import { type Delivery, requestOutcome, requestPost } from "./blocks/requests.js";
import { type SlackClients, slackErrorCode } from "./clients.js";

/**
 * How long an instance holds a request while it brings its Slack copies up to date: far longer than
 * the work takes (a few Web API calls with their timeouts), short enough that a request left by an
 * instance that died is taken over within a minute.
 */
const SLACK_LEASE_MS = 60_000;
/** How long `deliver` waits for another instance that is posting the same request at that moment. */
const DELIVER_WAIT_MS = 5_000;
const DELIVER_POLL_MS = 100;

const key = (r: ChangeRequest) => `${r.accountId}/${r.id}`;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The places Slack refused a request's post for good. */
const refusedPlaces = (posts: readonly RequestPost[]): Set<string> =>
  new Set(posts.filter((p) => p.error).map((p) => p.to ?? p.channel));

/**
 * Brings Slack in line with the requests table, whichever door a change came through (Slack, the
 * CLI, the expiry timer): new requests are posted — to the approvals channel, else to each active
 * owner linked to Slack by DM — and decided ones get their outcome in the thread, their posts
 * updated (buttons gone, status shown) and a DM to the requester. Safe to run again after a failure.
 *
 * With several instances on one database, each request's Slack work is done by one at a time: an
 * instance claims the request (a lease in the database) before it posts or announces, works from the
 * copy the claim read (so it sees what the previous holder recorded), and lets go when done.
 */
export class RequestsSync {
  private running: Promise<void> | null = null;
  /** Requests the last run left alone because another instance held them. */
  private readonly heldElsewhere = new Set<string>();

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
   * Posts a just-filed request now, and says where it stands: sent (a post or DM landed with an
   * Owner), waiting for Slack (it will be retried), or nobody to send it to (no approvals channel and
   * no Owner linked to Slack yet). A run under way may predate the request, so a fresh run follows it.
   */
  async deliver(request: ChangeRequest): Promise<Delivery> {
    await this.running?.catch(() => {});
    await this.run().catch((e) => this.fail("post", request, e));
    // Another instance may be posting it this very moment (it holds the lease): wait for it to let
    // go, a few seconds at most, then take the request and post whatever is still missing.
    for (
      const until = Date.now() + DELIVER_WAIT_MS;
      this.heldElsewhere.has(key(request)) && Date.now() < until;
    ) {
      await sleep(DELIVER_POLL_MS);
      await this.post(request).catch((e) => this.fail("post", request, e));
    }
    const now = await this.core.requests.get(request.accountId, request.id);
    if (now.posts.some((p) => !p.error)) return "sent";
    // Places Slack refused for good (everyone left) are as good as none.
    const refused = refusedPlaces(now.posts);
    const open = (await this.core.requests.destinations(request.accountId, refused)).filter(
      (d) => !refused.has(d),
    );
    return open.length === 0 ? "unreachable" : "waiting";
  }

  private async once(): Promise<void> {
    const { requests } = this.core;
    this.heldElsewhere.clear();
    await requests.expire();
    for (const request of await requests.toPost())
      await this.post(request).catch((e) => this.fail("post", request, e));
    for (const request of await requests.toAnnounce()) {
      await this.announce(request).catch((e) => this.fail("announce", request, e));
    }
  }

  /**
   * Runs `work` on the request as it stands once this instance holds it; skipped (and noted) while
   * another instance does, and when the fresh copy shows the work is already done.
   */
  private async claimed(
    listed: ChangeRequest,
    due: (fresh: ChangeRequest) => boolean,
    work: (fresh: ChangeRequest) => Promise<void>,
  ): Promise<void> {
    const { requests } = this.core;
    const claim = await requests.claimSlackWork(listed.accountId, listed.id, SLACK_LEASE_MS);
    if (!claim) {
      this.heldElsewhere.add(key(listed));
      return;
    }
    this.heldElsewhere.delete(key(listed));
    try {
      if (due(claim.request)) await work(claim.request);
    } finally {
      await claim.release();
    }
  }

  private post(listed: ChangeRequest): Promise<void> {
    return this.claimed(
      listed,
      (r) => !r.posted,
      (r) => this.postNow(r),
    );
  }

  private announce(listed: ChangeRequest): Promise<void> {
    return this.claimed(
      listed,
      (r) => r.posted && !r.announced && r.status !== "pending",
      (r) => this.announceNow(r),
    );
  }

  /**
   * Posts to every place that does not have it yet. A place Slack refuses for good (a user who left,
   * an archived channel) is recorded and not tried again; one that failed for now is tried on the next
   * beat; nobody gets a second copy. With nobody to send to, it waits for an Owner to link or a channel.
   */
  private async postNow(request: ChangeRequest): Promise<void> {
    const posts = [...request.posts];
    const client = await this.clients.forAccount(request.accountId);
    const sensitive = await this.core.requests.isSensitive(request);
    let retry = false;
    // Two passes: an approvals channel refused for good (archived, the app removed) in the first
    // sends the request to the Owners by DM in the second, at once.
    for (let pass = 0; pass < 2; pass++) {
      const destinations = await this.core.requests.destinations(request.accountId, refusedPlaces(posts));
      if (pass === 0) retry = destinations.length === 0 && request.status === "pending";
      const tried = new Set(posts.map((p) => p.to ?? p.channel));
      for (const to of destinations.filter((d) => !tried.has(d))) {
        try {
          const sent = await client.chat.postMessage({ channel: to, ...requestPost(request, { sensitive }) });
          posts.push({ to, channel: sent.channel ?? to, ts: sent.ts ?? "" });
        } catch (error) {
          const refused = slackErrorCode(error);
          if (refused) posts.push({ to, channel: to, ts: "", error: refused });
          else retry = true;
          this.fail(`post to ${to}`, request, error);
        }
      }
    }
    await this.core.requests.markPosted(request.accountId, request.id, posts, !retry);
  }

  /**
   * Shows the outcome on every copy (post updated, reply in its thread), one copy at a time so a
   * failure never repeats what already landed; then tells the requester, once, as best it can.
   */
  private async announceNow(request: ChangeRequest): Promise<void> {
    const outcome = requestOutcome(request);
    const client = await this.clients.forAccount(request.accountId);
    const posts = [...request.posts];
    for (const [i, post] of posts.entries()) {
      if (post.announced || post.error) continue;
      try {
        // Decided: the buttons go, so whether Approve would ask first no longer matters.
        const decided = requestPost(request, { sensitive: false });
        await client.chat.update({ channel: post.channel, ts: post.ts, ...decided });
        await client.chat.postMessage({ channel: post.channel, thread_ts: post.ts, text: outcome });
      } catch (error) {
        // Slack refusing for good (the message or channel is gone) will not change on a retry.
        if (!slackErrorCode(error)) throw error;
        this.fail(`update the copy in ${post.channel}`, request, error);
      }
      posts[i] = { ...post, announced: true };
      await this.core.requests.markPosted(request.accountId, request.id, posts);
    }
    if (request.requesterSlackUserId && request.status !== "cancelled") {
      await client.chat
        .postMessage({ channel: request.requesterSlackUserId, text: outcome })
        .catch((e) => this.fail("tell the requester", request, e));
    }
    await this.core.requests.markAnnounced(request.accountId, request.id);
  }

  private fail(step: string, request: ChangeRequest, error: unknown): void {
    this.logger.warn(
      `Request ${request.id}: could not ${step} in Slack:`,
      error instanceof Error ? error.message : error,
    );
  }
}
