/**
 * Change requests store the typed change they ask for (versioned JSON), not the command words.
 * Requests filed before this carry only their words: the app converts the pending ones once, at
 * start (src/store/legacy-requests.ts), and expires those it cannot read, saying why.
 */
export const sqlite = /* sql */ `
ALTER TABLE change_requests ADD COLUMN intent_json TEXT;
`;

export const postgres = sqlite;
