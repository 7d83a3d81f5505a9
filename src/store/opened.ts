import type { GrantStore, InstallationStore, OutboxStore, RequestStore, StorePort } from "../core/ports.js";
import type { StoreGauges } from "../metrics.js";
import type { Db, Migrated } from "./open.js";

export type { StoreGauges };

/** One query for both engines (no parameters). */
export const STORE_GAUGES_SQL = `SELECT
  (SELECT count(*) FROM outbox WHERE status = 'queued') AS queued,
  (SELECT min(created_at) FROM outbox WHERE status = 'queued') AS oldest,
  (SELECT count(*) FROM change_requests WHERE status = 'pending') AS pending`;

export const toStoreGauges = (
  row: { queued: unknown; oldest: unknown; pending: unknown } | undefined,
): StoreGauges => ({
  outboxQueued: Number(row?.queued ?? 0),
  oldestQueuedAt: row?.oldest ? new Date(row.oldest as string | Date) : null,
  pendingRequests: Number(row?.pending ?? 0),
});

/** What the app needs of a store, whichever engine holds it. */
export type RolecallStore = StorePort &
  OutboxStore & {
    gauges(): Promise<StoreGauges>;
    installations: InstallationStore;
    grants: GrantStore;
    requests: RequestStore;
  };

export interface OpenedStore {
  engine: "sqlite" | "postgres";
  store: RolecallStore;
  /** The schema version the database was found at, and the one it is at now. */
  schema: Migrated;
  /** The SQLite handle (null on PostgreSQL). */
  db: Db | null;
  /** An online, consistent copy of a SQLite database; PostgreSQL is backed up with its own tools. */
  backup(file: string): Promise<void>;
  close(): Promise<void>;
}
