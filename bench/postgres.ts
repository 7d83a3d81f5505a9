import { randomBytes, randomUUID } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import type { ActorContext } from "../src/core/access-core.js";
import { listeningPort, spawnApp } from "../test/helpers/app-process.js";
import { freshDatabase, TEST_DATABASE_URL } from "../test/helpers/database.js";
import { FakeSlack } from "../test/helpers/fake-slack.js";
import { openCore } from "../test/helpers/team.js";
import { compareAsync, opsPerSecondSlowAsync, type RecordRow } from "./measure.js";

/** Whether the PostgreSQL server the tests use answers (the rows below need it). */
export const postgresAvailable = async (): Promise<boolean> => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
};

/** A schema of its own on the test server, with the URL that selects it. */
const schemaDatabase = () => freshDatabase("postgres");

/**
 * Issue 13 item 6: an add-member through the core on PostgreSQL (read, decide, the guarded
 * transaction with its audit entries and its mail) against a raw `pg` transaction writing the same
 * six rows (the version bump, the member, the invite, two audit entries, the outbox mail).
 */
export const postgresWrites = async (record: RecordRow): Promise<void> => {
  const db = await schemaDatabase();
  const ours = await openCore(db.url);
  try {
    const { account } = await ours.core.createAccount({
      slackTeamId: "T0PG",
      name: "PG",
      ownerEmail: "o@pg.test",
    });
    const owner: ActorContext = { accountId: account.id, actor: { email: "o@pg.test" }, source: "cli" };
    const peerAccount = (
      await ours.core.createAccount({ slackTeamId: "T0PEER", name: "Peer", ownerEmail: "o@peer.test" })
    ).account.id;
    const ownerId = (await ours.store.findMember(peerAccount, { email: "o@peer.test" }))?.id;
    const raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    const HASH = "0".repeat(64);
    let seq = 1_000_000;
    const peerAdd = async (email: string) => {
      const at = new Date().toISOString();
      const memberId = randomUUID();
      const inviteId = randomUUID();
      const tokenHash = randomBytes(32).toString("hex");
      await raw.query("BEGIN");
      await raw.query("UPDATE accounts SET version = version + 1 WHERE id = $1", [peerAccount]);
      await raw.query(
        `INSERT INTO members (id, account_id, email, name, phone, role, status, slack_user_id, invited_by,
          created_at, updated_at) VALUES ($1, $2, $3, NULL, NULL, 'teammate', 'invited', NULL, $4, $5, $5)`,
        [memberId, peerAccount, email, ownerId, at],
      );
      await raw.query(
        `INSERT INTO invites (id, member_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $4)`,
        [inviteId, memberId, tokenHash, at],
      );
      const audit = `INSERT INTO audit_log (account_id, seq, at, actor, source, action, target, before_json,
        after_json, request_id, batch_seq, prev_hash, hash) VALUES ($1, $2, $3, 'o@peer.test', 'cli', $4, $5,
        'null', $6, NULL, $7, $8, $8)`;
      const batch = seq + 1;
      await raw.query(audit, [
        peerAccount,
        ++seq,
        at,
        "member.added",
        email,
        `{"role":"teammate"}`,
        batch,
        HASH,
      ]);
      await raw.query(audit, [
        peerAccount,
        ++seq,
        at,
        "invite.sent",
        email,
        `{"expiresAt":"${at}"}`,
        batch,
        HASH,
      ]);
      await raw.query(
        `INSERT INTO outbox (id, account_id, kind, recipient, payload_json, next_attempt_at, created_at, invite_id)
          VALUES ($1, $2, 'invite', $3, $4, $5, $5, $6)`,
        [
          randomUUID(),
          peerAccount,
          email,
          `{"kind":"invite","to":"${email}","token":"${tokenHash}"}`,
          at,
          inviteId,
        ],
      );
      await raw.query("COMMIT");
    };
    // A warm-up, then fresh statistics, as autovacuum keeps them on a live database.
    for (let i = 0; i < 200; i++) {
      await ours.core.addMember(owner, { email: `warm${i}@pg.test`, role: "teammate" });
      await peerAdd(`warm${i}@peer.test`);
    }
    await raw.query("ANALYZE");
    let round = 0;
    const pair = await compareAsync(
      () => {
        round++;
        return opsPerSecondSlowAsync(
          (i) => ours.core.addMember(owner, { email: `w${round}-${i + 1}@pg.test`, role: "teammate" }),
          1_500,
        );
      },
      () => opsPerSecondSlowAsync((i) => peerAdd(`w${round}-${i + 1}@peer.test`), 1_500),
      3,
    );
    const verified = await ours.core.verifyAudit(account.id);
    if (!verified.ok) throw new Error("the audit chain of the bench account does not verify");
    await raw.end();
    record(
      "PostgreSQL writes: add member vs raw pg 6-row transaction",
      pair.ours,
      pair.peer,
      "tx/s",
      "≥ 0.7×",
      (r) => r >= 0.7,
    );
  } finally {
    await ours.close();
    await db.cleanup();
  }
};

/**
 * Issue 13 item 6: `/api/v1/authorize` served by two app processes on one PostgreSQL database
 * against one. The load generator shares the machine's cores, so the ceiling is under 2×.
 */
export const postgresInstances = async (record: RecordRow): Promise<void> => {
  const db = await schemaDatabase();
  const seed = await openCore(db.url);
  const created = await seed.core.createAccount({
    slackTeamId: "T0PGI",
    name: "PG",
    ownerEmail: "o@pg.test",
  });
  const owner: ActorContext = { accountId: created.account.id, actor: { email: "o@pg.test" }, source: "cli" };
  for (let i = 0; i < 50; i++) {
    await seed.core.addMember(owner, { email: `m${i}@pg.test`, role: i % 2 ? "teammate" : "admin" });
    await seed.core.activate(created.account.id, `m${i}@pg.test`);
  }
  await seed.close();
  const fake = new FakeSlack();
  await fake.start();
  const children = [1, 2].map(() =>
    spawnApp({ SLACK_API_URL: fake.apiUrl, DATABASE_URL: db.url, LOG_LEVEL: "info" }),
  );
  try {
    const ports = await Promise.all(children.map((c) => listeningPort(c).port));
    for (const c of children) c.stdout?.resume();
    const load = (port: number, connections: number) =>
      autocannon({
        url: `http://127.0.0.1:${port}/api/v1/authorize`,
        connections,
        duration: 8,
        requests: [
          {
            method: "POST",
            setupRequest: (req: autocannon.Request) => ({
              ...req,
              headers: { "content-type": "application/json", authorization: `Bearer ${created.apiKey}` },
              body: JSON.stringify({
                email: `m${Math.floor(Math.random() * 50)}@pg.test`,
                permission: "billing",
              }),
            }),
          },
        ],
      });
    const rate = (r: autocannon.Result) => {
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`authorize: ${r.non2xx} non-2xx, ${r.errors} errors`);
      return r.requests.average;
    };
    await Promise.all(ports.map((p) => load(p, 25))); // warm-up: both processes compiled and cached
    const one = rate(await load(ports[0] ?? 0, 50));
    const both = (await Promise.all(ports.map((p) => load(p, 25)))).map(rate).reduce((a, b) => a + b, 0);
    record("authorize: two instances vs one (PostgreSQL)", both, one, "req/s", "≥ 1.3×", (r) => r >= 1.3);
  } finally {
    for (const c of children) c.kill("SIGKILL");
    await fake.stop();
    await db.cleanup();
  }
};
