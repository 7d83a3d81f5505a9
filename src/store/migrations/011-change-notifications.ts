/**
 * PostgreSQL: every write to an account row (each change bumps its version; a new account is
 * inserted) notifies `rolecall_changes` when its transaction commits, so every instance learns that
 * what it holds in memory may be stale — from the database itself, whichever process wrote.
 * SQLite needs nothing: `PRAGMA data_version` moves on every commit of another connection.
 */
export const sqlite = "";

export const postgres = /* sql */ `
CREATE FUNCTION rolecall_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN PERFORM pg_notify('rolecall_changes', NEW.id); RETURN NULL; END $$;
CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE ON accounts
  FOR EACH ROW EXECUTE FUNCTION rolecall_notify_change();
`;
