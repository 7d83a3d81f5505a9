/** A database migrated by a newer Rolecall: the store refuses it, and each door says so in its way. */
export class DatabaseTooNewError extends Error {
  override readonly name = "DatabaseTooNewError";
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `This database was written by a newer Rolecall (schema version ${found}; this one knows up to ${known}). ` +
        "Upgrade Rolecall, or point DATABASE_URL at another file.",
    );
  }
}
