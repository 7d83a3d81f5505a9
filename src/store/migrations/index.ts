import type { Script } from "../script.js";
import * as initial from "./001-initial.js";
import * as outboxInvites from "./002-outbox-invites.js";
import * as apiKeyGrace from "./003-api-key-grace.js";
import * as changeRequests from "./004-change-requests.js";
import * as memberListOrder from "./005-member-list-order.js";
import * as outboxSkipped from "./006-outbox-skipped.js";
import * as apiKeysInGrace from "./007-api-keys-in-grace.js";
import * as requestIntents from "./008-request-intents.js";
import * as auditBatches from "./009-audit-batches.js";
import * as requestSlackLease from "./010-request-slack-lease.js";
import * as changeNotifications from "./011-change-notifications.js";
import * as installations from "./012-installations.js";
import * as grants from "./013-grants.js";
import * as requestsCarriedOver from "./014-requests-carried-over.js";

/** One step of the schema, written for each engine. */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
  /**
   * Data the SQL cannot move alone, written once for both engines (see `script.ts`): run before the
   * migration's SQL, in the same transaction.
   */
  data?: (now: Date) => Script<void>;
}

const step = (
  version: number,
  name: string,
  sql: { sqlite: string; postgres: string; data?: (now: Date) => Script<void> },
): Migration => ({
  version,
  name,
  sqlite: sql.sqlite,
  postgres: sql.postgres,
  ...(sql.data ? { data: sql.data } : {}),
});

/**
 * One numbered list for both engines, applied in order; SQLite's `user_version` and PostgreSQL's
 * `rolecall_schema` table record the last one applied. Never edit a shipped migration.
 */
export const MIGRATIONS: readonly Migration[] = [
  step(1, "initial", initial),
  step(2, "outbox-invites", outboxInvites),
  step(3, "api-key-grace", apiKeyGrace),
  step(4, "change-requests", changeRequests),
  step(5, "member-indexes", memberListOrder),
  step(6, "outbox-skipped", outboxSkipped),
  step(7, "api-keys-in-grace", apiKeysInGrace),
  step(8, "request-intents", requestIntents),
  step(9, "audit-batches", auditBatches),
  step(10, "request-slack-lease", requestSlackLease),
  step(11, "change-notifications", changeNotifications),
  step(12, "installations", installations),
  step(13, "grants", grants),
  step(14, "requests-carried-over", requestsCarriedOver),
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
