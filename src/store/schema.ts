import { LATEST_SCHEMA_VERSION } from "./migrations/index.js";

/** Throws unless the database's schema is the one this code knows (see StorePort.ping). */
export const requireCurrentSchema = (found: number): void => {
  if (found !== LATEST_SCHEMA_VERSION)
    throw new Error(
      `The database is at schema version ${found}; this Rolecall runs on ${LATEST_SCHEMA_VERSION}.`,
    );
};
