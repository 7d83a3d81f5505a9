import * as initial from "./001-initial.js";
import * as outboxInvites from "./002-outbox-invites.js";
import * as apiKeyGrace from "./003-api-key-grace.js";
import * as changeRequests from "./004-change-requests.js";
import * as memberListOrder from "./005-member-list-order.js";
import * as outboxSkipped from "./006-outbox-skipped.js";
import * as apiKeysInGrace from "./007-api-keys-in-grace.js";
import * as requestIntents from "./008-request-intents.js";
import * as auditBatches from "./009-audit-batches.js";

export interface Migration {
  version: number;
  name: string;
  up: string;
}

/** Applied in order; `user_version` records the last one applied. Never edit a shipped migration. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial", up: initial.up },
  { version: 2, name: "outbox-invites", up: outboxInvites.up },
  { version: 3, name: "api-key-grace", up: apiKeyGrace.up },
  { version: 4, name: "change-requests", up: changeRequests.up },
  { version: 5, name: "member-indexes", up: memberListOrder.up },
  { version: 6, name: "outbox-skipped", up: outboxSkipped.up },
  { version: 7, name: "api-keys-in-grace", up: apiKeysInGrace.up },
  { version: 8, name: "request-intents", up: requestIntents.up },
  { version: 9, name: "audit-batches", up: auditBatches.up },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
