import type { ChangeIntent } from "../core/intents.js";
import type { ChangeRequest } from "../core/model.js";
import type { GrantStore, InstallationStore, RequestStore, StorePort } from "../core/ports.js";
import type { OutboxStore } from "../mail/outbox.js";
import type { Db, Migrated } from "./open.js";

/** What the app needs of a store, whichever engine holds it. */
export type RolecallStore = StorePort &
  OutboxStore & {
    installations: InstallationStore;
    grants: GrantStore;
    requests: RequestStore & {
      legacyRequests(): Promise<{ request: ChangeRequest; words: string[] }[]>;
      setIntent(accountId: string, id: string, intent: ChangeIntent): Promise<void>;
    };
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
