import Database from 'better-sqlite3';

/**
 * Everything that identifies one account's records in the store, read from the SQLite file itself:
 * its id, email, name, its runs (ids, prompts, error messages, Library items), its ledger entries,
 * the refs of the packets filed for it and the ids of the conversations it started. An answer to
 * anybody else must contain none of them.
 */
export interface AccountRecords {
  accountId: string;
  email: string;
  /** The strings to search answers for (each at least 6 characters: no accidental matches). */
  markers: string[];
  packetRefs: string[];
  conversationIds: string[];
}

export function accountRecords(dbPath: string, accountId: string): AccountRecords {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const account = db.prepare('SELECT id, email, name FROM accounts WHERE id = ?').get(accountId) as { id: string; email: string; name: string | null } | undefined;
    if (!account) throw new Error(`no account ${accountId} in ${dbPath}`);
    const runs = db.prepare('SELECT id, prompt, error_message AS errorMessage, library_item_id AS libraryItemId FROM generations WHERE account_id = ?').all(accountId) as {
      id: string;
      prompt: string;
      errorMessage: string | null;
      libraryItemId: string | null;
    }[];
    const entries = db.prepare('SELECT id FROM ledger WHERE account_id = ?').pluck().all(accountId) as string[];
    // A packet is the account's when it was filed for its email (verified or not) or its findings are of the account.
    const packetRefs = (
      db
        .prepare("SELECT ref FROM packets WHERE lower(json_extract(data, '$.accountEmail')) = lower(?) OR json_extract(data, '$.findings.account.id') = ?")
        .pluck()
        .all(account.email, accountId) as string[]
    ).sort();
    const conversationIds = db.prepare('SELECT id FROM conversations WHERE owner_email = lower(?)').pluck().all(account.email) as string[];
    const markers = [
      account.id,
      account.email,
      ...(account.name ? [account.name] : []),
      ...runs.flatMap((r) => [r.id, r.prompt, ...(r.errorMessage ? [r.errorMessage] : []), ...(r.libraryItemId ? [r.libraryItemId] : [])]),
      ...entries,
      ...packetRefs,
      ...conversationIds,
    ].filter((m) => m.length >= 6);
    return { accountId, email: account.email, markers: [...new Set(markers)], packetRefs, conversationIds };
  } finally {
    db.close();
  }
}

/**
 * The markers of `records` found in `answer` (any JSON-able value or text), case-insensitively,
 * leaving out those the asker typed themselves (an echo of one's own words is no leak).
 */
export function leakedMarkers(answer: unknown, records: AccountRecords, typedByAsker: readonly string[] = []): string[] {
  const text = textsOf(answer).join('\n').toLowerCase();
  const typed = typedByAsker.map((t) => t.toLowerCase());
  return records.markers.filter((m) => !typed.some((t) => t.includes(m.toLowerCase())) && text.includes(m.toLowerCase()));
}

/** Every string in a value (keys too), unescaped: what a reader of the answer sees. */
export function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, v]) => [key, ...textsOf(v)]);
  return [];
}
