import { intentOf } from "../../../commands/index.js";
import { GENESIS_HASH } from "../../core/audit.js";
import { CoreError } from "../../core/errors.js";
import { intentToJson, parseIntent } from "../../core/intents.js";
import { rows, run, type Script } from "../script.js";
import { nextAuditEntry } from "../sql/audit.js";

/**
 * Change requests filed before they stored their typed change (migration 008) hold the `/team`
 * words they were filed with. Each pending one is read once, here, with the grammar of the code at
 * hand — the same as then for these words — and keeps its change from then on; one that no longer
 * reads is closed (expired, saying why: the Slack announcer tells its requester), with its entry in
 * the account's log, as the system. Then the words go: nothing reads them any more.
 *
 * The statements are this migration's own, as the schema stood at version 14, so a later migration
 * cannot change what this one does.
 */
export function* data(now: Date): Script<void> {
  const at = now.toISOString();
  const legacy = yield* rows<{ account_id: string; id: string; words_json: string }>(
    `SELECT account_id, id, words_json FROM change_requests WHERE intent_json IS NULL AND status = 'pending'
      ORDER BY account_id, created_at, id`,
  );
  for (const { account_id: accountId, id, words_json } of legacy) {
    let why: string;
    try {
      const intent = parseIntent(intentOf(JSON.parse(words_json) as string[]));
      yield* run(
        "UPDATE change_requests SET intent_json = @intent WHERE account_id = @accountId AND id = @id",
        {
          intent: intentToJson(intent),
          accountId,
          id,
        },
      );
      continue;
    } catch (error) {
      if (!(error instanceof CoreError)) throw error;
      why = `Rolecall could not carry this request over to its new version (${error.message}). Please file it again.`;
    }
    yield* run(
      `UPDATE change_requests SET status = 'expired', decided_by = NULL, decided_at = @at, reason = NULL,
        outcome = @outcome WHERE account_id = @accountId AND id = @id AND status = 'pending'`,
      { at, outcome: JSON.stringify({ closed: why }), accountId, id },
    );
    // As any change of the account: its version moves, and its log says so.
    yield* run("UPDATE accounts SET version = version + 1 WHERE id = @accountId", { accountId });
    const [last] = yield* rows<{ seq: number; hash: string }>(
      "SELECT seq, hash FROM audit_log WHERE account_id = @accountId ORDER BY seq DESC LIMIT 1",
      { accountId },
    );
    const seq = (last?.seq ?? 0) + 1;
    const ctx = { accountId, actor: "system", source: "system" as const, requestId: id, now };
    const draft = {
      action: "request.expired" as const,
      target: { type: "request" as const, id },
      before: null,
      after: { why },
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const entry = nextAuditEntry(ctx, draft, seq, seq, prevHash);
    yield* run(
      `INSERT INTO audit_log (account_id, seq, at, actor, source, action, target, before_json, after_json,
        request_id, batch_seq, prev_hash, hash) VALUES (@accountId, @seq, @at, @actor, @source, @action,
        @target, @before, @after, @requestId, @seq, @prevHash, @hash)`,
      {
        ...entry.content,
        accountId,
        target: entry.target,
        before: entry.before,
        after: entry.after,
        prevHash,
        hash: entry.hash,
      },
    );
  }
}

export const sqlite = /* sql */ `
ALTER TABLE change_requests DROP COLUMN words_json;
`;

export const postgres = sqlite;
