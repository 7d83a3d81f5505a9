/**
 * The pieces of SQL the two engines spell differently inside statements otherwise written once.
 * Both spellings sit side by side in `../dialects.ts` (SQLITE, POSTGRES), with the few statements
 * that differ whole.
 */
export interface Fragments {
  /** The column that numbers a table's rows in insertion order (a tie-break after a timestamp). */
  insertionOrder: "rowid" | "n";
  /** Emails compared bytewise: migration 005's `members_list_order` index is built on this expression. */
  emailBytewise: string;
  /** An outbox row's payload without its invite token. */
  payloadWithoutToken: string;
}
