/**
 * `record[key]` for the record's own keys only: a word a user typed ("constructor", "toString")
 * is looked up as a word, never reaching Object.prototype's function of that name.
 */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
