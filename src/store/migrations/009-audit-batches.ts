/**
 * Audit entries written by one change share a marker (the seq of the change's first entry), so the
 * log can be read one change at a time: one Save of the permissions form is one change however many
 * cells it toggled. Entries written before this stay unmarked (NULL); each reads as its own change.
 */
export const sqlite = /* sql */ `
ALTER TABLE audit_log ADD COLUMN batch_seq INTEGER;
`;

export const postgres = sqlite;
