import type { AccessCore } from "../core/index.js";
import type { Grant } from "../core/model.js";
import type { Clock } from "../core/ports.js";
import type { Logger } from "../log.js";
import { accessEndedLine, endedMessage, reminderMessage } from "./blocks/grants.js";
import { requestPost } from "./blocks/requests.js";
import { type SlackClients, slackErrorCode } from "./clients.js";

/**
 * Time-bound grants in Slack, on the same beat as the requests: grants past their end are ended in
 * the audit log (the core), their holders are reminded shortly before the end (with Extend) and told
 * when one ended; a grant that came from a request says so in that request's thread and on its post.
 *
 * Each notice is claimed in the database before it is sent (`core.grants.claim`), so with several
 * instances on one database every message goes out once. A notice Slack could not take for now is
 * given back (`release`) and tried on the next beat; one Slack refuses for good is not.
 */
export class GrantsSync {
  private running: Promise<void> | null = null;

  constructor(
    private readonly core: AccessCore,
    private readonly clients: SlackClients,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Ends what is due, then reminds and tells; concurrent calls share one run. */
  run(): Promise<void> {
    this.running ??= this.once().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async once(): Promise<void> {
    const { grants } = this.core;
    await grants.expire();
    for (const grant of await grants.toRemind())
      await this.remind(grant).catch((e) => this.fail("remind the holder", grant, e));
    for (const grant of await grants.toTell())
      await this.tell(grant).catch((e) => this.fail("announce the end", grant, e));
  }

  /** The reminder, with Extend: claimed first, given back when Slack failed for now. */
  private async remind(grant: Grant): Promise<void> {
    if (!(await this.core.grants.claim(grant, "reminder"))) return;
    // Nobody to tell in Slack (not linked): the reminder's moment passes; the end is still told.
    if (!grant.memberSlackUserId) return;
    try {
      const client = await this.clients.forAccount(grant.accountId);
      await client.chat.postMessage({
        channel: grant.memberSlackUserId,
        ...reminderMessage(grant, this.clock.now()),
      });
    } catch (error) {
      if (!slackErrorCode(error)) await this.core.grants.release(grant, "reminder");
      throw error;
    }
  }

  /**
   * The end: the holder hears it (unless a newer grant gives them the permission again), and a
   * grant that came from a request has the end replied in each of the request's threads and shown
   * on each of its posts. The holder's DM is the step that is retried; the threads follow it once.
   */
  private async tell(grant: Grant): Promise<void> {
    if (!(await this.core.grants.claim(grant, "end"))) return;
    const now = this.clock.now();
    let client: Awaited<ReturnType<SlackClients["forAccount"]>>;
    try {
      client = await this.clients.forAccount(grant.accountId);
    } catch (error) {
      await this.core.grants.release(grant, "end");
      throw error;
    }
    try {
      const stillHeld = await this.core.grants.holdsNow(grant.accountId, grant.memberId, grant.permission);
      if (grant.memberSlackUserId && !stillHeld)
        await client.chat.postMessage({ channel: grant.memberSlackUserId, ...endedMessage(grant, now) });
    } catch (error) {
      // Slack failing for now: the notice is given back for the next beat, threads and all.
      if (!slackErrorCode(error)) {
        await this.core.grants.release(grant, "end");
        throw error;
      }
      // Refused for good (the holder left Slack): the request's threads are still told.
      this.fail("tell the holder", grant, error);
    }
    if (!grant.requestId) return;
    const request = await this.core.requests.get(grant.accountId, grant.requestId);
    const ended = accessEndedLine(grant, now);
    for (const post of request.posts) {
      if (post.error || !post.ts) continue;
      try {
        await client.chat.postMessage({ channel: post.channel, thread_ts: post.ts, text: ended });
        await client.chat.update({
          channel: post.channel,
          ts: post.ts,
          ...requestPost(request, { sensitive: false, accessEnded: ended }),
        });
      } catch (error) {
        this.fail(`tell the thread in ${post.channel}`, grant, error);
      }
    }
  }

  private fail(step: string, grant: Grant, error: unknown): void {
    this.logger.warn(
      `Grant ${grant.id} (${grant.permission} of ${grant.memberEmail}): could not ${step} in Slack:`,
      error instanceof Error ? error.message : error,
    );
  }
}
