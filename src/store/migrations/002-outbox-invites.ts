/** Ties each invite mail to its invite, so lists can show whether it was queued, sent or failed. */
export const sqlite = /* sql */ `
ALTER TABLE outbox ADD COLUMN invite_id TEXT REFERENCES invites(id);
CREATE INDEX outbox_by_invite ON outbox(invite_id);
`;

export const postgres = sqlite;
