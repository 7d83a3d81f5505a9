import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { boltLogger } from "../../src/slack/bolt-logger.js";
import { singleWorkspaceClients, webClientOptions } from "../../src/slack/clients.js";
import { GrantsSync } from "../../src/slack/grants-sync.js";
import { RequestsSync } from "../../src/slack/requests-sync.js";
import type { Wired } from "../../src/wiring.js";
import { setApprovalsChannel, setPermission } from "../helpers/core.js";
import { freshDatabase } from "../helpers/database.js";
import { BOT_TOKEN, FakeSlack } from "../helpers/fake-slack.js";
import { approve } from "../helpers/requests.js";
import { messageText } from "../helpers/slack-harness.js";
import { manualClock, openCore } from "../helpers/team.js";

/**
 * Two instances on one database (two cores, each with its own GrantsSync, as two app processes
 * would have), running their beats at the same moments: each grant's reminder, end notice, thread
 * reply and post update goes to Slack once. Engine-neutral, like requests-once.test.ts.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OWNER = { id: "U0OWNER", email: "owner@acme.test" };
const HOLDERS = [1, 2, 3, 4].map((n) => ({ id: `U0HOLD${n}`, email: `holder${n}@acme.test` }));
const MINUTE = 60_000;
const silent = createLogger("silent");

describe("grant notices happen once across instances", () => {
  it("two instances: one reminder, one end DM, one thread reply and one post update per grant", async () => {
    const fake = new FakeSlack();
    await fake.start();
    cleanups.push(() => fake.stop());
    for (const p of [OWNER, ...HOLDERS]) fake.users.set(p.id, { email: p.email });
    // Slow answers, so that the instances' work overlaps as it would under load.
    fake.behaviours.set("chat.postMessage", { delayMs: 20 });
    fake.behaviours.set("chat.update", { delayMs: 20 });
    const clock = manualClock("2026-03-02T14:00:00.000Z");
    const db = await freshDatabase();
    cleanups.push(() => db.cleanup());
    const cores: Wired[] = [];
    for (let i = 0; i < 2; i++) {
      const wired = await openCore(db.url, clock);
      cleanups.push(() => wired.close());
      cores.push(wired);
    }
    const seed = cores[0]?.core;
    if (!seed) throw new Error("no instance");
    const { account } = await seed.createAccount({
      slackTeamId: "T0ACME",
      name: "Acme",
      ownerEmail: OWNER.email,
      ownerSlackUserId: OWNER.id,
    });
    const as = (email: string) => ({ accountId: account.id, actor: { email }, source: "cli" as const });
    await setApprovalsChannel(seed, as(OWNER.email), "C0APPROVE");
    await setPermission(seed, as(OWNER.email), { role: "teammate", permission: "billing", allowed: false });
    const clients = () =>
      singleWorkspaceClients(BOT_TOKEN, webClientOptions(fake.apiUrl, boltLogger(silent)), silent);
    const requestSyncs = cores.map(({ core }) => new RequestsSync(core, clients(), silent));
    const grantSyncs = cores.map(({ core }) => new GrantsSync(core, clients(), clock, silent));
    const requestIds: string[] = [];
    for (const holder of HOLDERS) {
      await seed.addMember(as(OWNER.email), { email: holder.email, role: "teammate" });
      await seed.activate(account.id, holder.email);
      await seed.linkSlackUser(account.id, holder.email, holder.id);
      const r = await seed.requests.file(as(holder.email), {
        kind: "grant.start",
        member: { email: holder.email },
        permission: "billing",
        minutes: 30,
        reason: "month end",
      });
      requestIds.push(r.id);
    }
    await Promise.all(requestSyncs.map((s) => s.run()));
    for (const id of requestIds)
      expect((await approve(seed.requests, as(OWNER.email), id)).applied).toBe(true);
    await Promise.all(requestSyncs.map((s) => s.run()));

    const beat = async () => {
      await Promise.all(grantSyncs.map((s) => s.run()));
      await Promise.all(grantSyncs.map((s) => s.run()));
    };
    clock.advance(20 * MINUTE);
    await beat();
    clock.advance(11 * MINUTE);
    await beat();

    const posts = new Map<string, string>();
    for (const id of requestIds) {
      const stored = (await seed.requests.get(account.id, id)).posts[0];
      posts.set(id, stored?.ts ?? "");
    }
    for (const holder of HOLDERS) {
      const dms = fake.callsTo("chat.postMessage").filter((c) => c.args.channel === holder.id);
      expect(
        dms.filter((c) => String(c.args.text).includes("ends at")),
        `reminders of ${holder.email}`,
      ).toHaveLength(1);
      expect(
        dms.filter((c) => String(c.args.text).includes("ended at")),
        `end notices of ${holder.email}`,
      ).toHaveLength(1);
    }
    for (const [id, ts] of posts) {
      expect(
        fake
          .callsTo("chat.postMessage")
          .filter((c) => c.args.thread_ts === ts && messageText(c.args).includes("Temporary access ended")),
        `thread replies of ${id}`,
      ).toHaveLength(1);
      expect(
        fake
          .callsTo("chat.update")
          .filter((c) => c.args.ts === ts && messageText(c.args).includes("Temporary access ended")),
        `post updates of ${id}`,
      ).toHaveLength(1);
    }
    const log = await seed.fullAuditLog(account.id);
    expect(log.filter((e) => e.action === "grant.expired")).toHaveLength(HOLDERS.length);
  });
});
