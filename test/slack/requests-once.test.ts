import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { boltLogger } from "../../src/slack/bolt-logger.js";
import { singleWorkspaceClients, webClientOptions } from "../../src/slack/clients.js";
import { RequestsSync } from "../../src/slack/requests-sync.js";
import type { Wired } from "../../src/wiring.js";
import { setApprovalsChannel } from "../helpers/core.js";
import { freshDatabase } from "../helpers/database.js";
import { BOT_TOKEN, FakeSlack, type RecordedCall } from "../helpers/fake-slack.js";
import { approve } from "../helpers/requests.js";
import { messageText } from "../helpers/slack-harness.js";
import { openCore } from "../helpers/team.js";

/**
 * Several instances on one database (two cores here, each with its own RequestsSync, as two app
 * processes would have): a request's post, its update and its announcement go to Slack once,
 * whichever instance gets there first. Engine-neutral: SQLite in `npm test`, PostgreSQL in
 * `npm run test:postgres`.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OWNER = { id: "U0OWNER", email: "owner@acme.test" };
const ADMIN = { id: "U0ADMIN", email: "admin@acme.test" };

const silent = createLogger("silent");

const setUp = async (instances: number) => {
  const fake = new FakeSlack();
  await fake.start();
  cleanups.push(() => fake.stop());
  for (const p of [OWNER, ADMIN]) fake.users.set(p.id, { email: p.email });
  // Slow answers, so that the instances' work overlaps as it would under load.
  fake.behaviours.set("chat.postMessage", { delayMs: 20 });
  fake.behaviours.set("chat.update", { delayMs: 20 });
  const db = await freshDatabase();
  cleanups.push(() => db.cleanup());
  const cores: Wired[] = [];
  for (let i = 0; i < instances; i++) {
    const wired = await openCore(db.url);
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
  await seed.addMember(as(OWNER.email), { email: ADMIN.email, role: "admin" });
  await seed.activate(account.id, ADMIN.email);
  await seed.linkSlackUser(account.id, ADMIN.email, ADMIN.id);
  await setApprovalsChannel(seed, as(OWNER.email), "C0APPROVE");
  const syncs = cores.map(
    ({ core }) =>
      new RequestsSync(
        core,
        singleWorkspaceClients(BOT_TOKEN, webClientOptions(fake.apiUrl, boltLogger(silent)), silent),
        silent,
      ),
  );
  const file = async (n: number) =>
    seed.requests.file(as(ADMIN.email), {
      kind: "member.add",
      email: `new${n}@acme.test`,
      role: "teammate",
      name: null,
      phone: null,
    });
  return { fake, cores, seed, syncs, as, file, accountId: account.id };
};

const postsOf = (fake: FakeSlack, id: string): RecordedCall[] =>
  fake
    .callsTo("chat.postMessage")
    .filter((c) => !c.args.thread_ts && messageText(c.args).includes(`Change request ${id}`));

describe("Slack work on a request happens once across instances", () => {
  it("two instances syncing at once post each request once, and announce each decision once", async () => {
    const { fake, syncs, seed, as, file } = await setUp(2);
    const filed = [];
    for (let n = 0; n < 6; n++) filed.push(await file(n));
    await Promise.all(syncs.map((s) => s.run()));
    await Promise.all(syncs.map((s) => s.run()));
    for (const r of filed) {
      expect(postsOf(fake, r.id), `posts of ${r.id}`).toHaveLength(1);
      expect(await seed.requests.get(r.accountId, r.id)).toMatchObject({ posted: true });
    }

    for (const r of filed) {
      const outcome = await approve(seed.requests, as(OWNER.email), r.id);
      expect(outcome.applied).toBe(true);
    }
    await Promise.all(syncs.map((s) => s.run()));
    await Promise.all(syncs.map((s) => s.run()));
    for (const r of filed) {
      const ts = postsOf(fake, r.id)[0]?.args.ts ?? (await seed.requests.get(r.accountId, r.id)).posts[0]?.ts;
      expect(
        fake.callsTo("chat.update").filter((c) => c.args.ts === ts),
        `updates of ${r.id}`,
      ).toHaveLength(1);
      expect(
        fake.callsTo("chat.postMessage").filter((c) => c.args.thread_ts === ts),
        `thread replies to ${r.id}`,
      ).toHaveLength(1);
      expect(await seed.requests.get(r.accountId, r.id)).toMatchObject({ announced: true });
    }
    // The requester is told once per decision, whichever instance announced it.
    expect(fake.callsTo("chat.postMessage").filter((c) => c.args.channel === ADMIN.id)).toHaveLength(
      filed.length,
    );
  });

  it("deliver says sent while another instance is posting the request", async () => {
    const { fake, syncs, file } = await setUp(2);
    const [a, b] = syncs;
    if (!a || !b) throw new Error("two instances");
    const request = await file(1);
    // A posts (slowly); B, asked at the same moment, waits for A to let go instead of saying "waiting".
    fake.behaviours.set("chat.postMessage", { delayMs: 300 });
    const [, delivery] = await Promise.all([a.run(), b.deliver(request)]);
    expect(delivery).toBe("sent");
    expect(postsOf(fake, request.id)).toHaveLength(1);
  });

  it("a lease left by an instance that died is taken over once it runs out, not before", async () => {
    const { fake, cores, syncs, file } = await setUp(1);
    const [sync] = syncs;
    const store = cores[0]?.store.requests;
    if (!sync || !store) throw new Error("one instance");
    const held = await file(1);
    const stale = await file(2);
    // Workers took both and died: one's lease still runs, the other's ran out a minute ago.
    const minuteAgo = new Date(Date.now() - 120_000);
    const inAMinute = (from: Date) => new Date(from.getTime() + 60_000);
    const heldUntil = inAMinute(new Date());
    expect(await store.claimSlackWork(held.accountId, held.id, new Date(), heldUntil)).toMatchObject({
      id: held.id,
      posted: false,
    });
    expect(
      await store.claimSlackWork(stale.accountId, stale.id, minuteAgo, inAMinute(minuteAgo)),
    ).not.toBeNull();
    // Held: nobody else may take it now.
    expect(await store.claimSlackWork(held.accountId, held.id, new Date(), inAMinute(new Date()))).toBeNull();

    await sync.run();
    expect(postsOf(fake, stale.id)).toHaveLength(1);
    expect(postsOf(fake, held.id)).toHaveLength(0);
    // Released (or run out), it is posted on the next beat, once.
    // Letting go of a lease that is no longer yours (it ran out and was taken) leaves it alone.
    await store.releaseSlackWork(held.accountId, held.id, minuteAgo);
    expect(await store.claimSlackWork(held.accountId, held.id, new Date(), inAMinute(new Date()))).toBeNull();
    await store.releaseSlackWork(held.accountId, held.id, heldUntil);
    await sync.run();
    await sync.run();
    expect(postsOf(fake, held.id)).toHaveLength(1);
    expect(postsOf(fake, stale.id)).toHaveLength(1);
  });
});
