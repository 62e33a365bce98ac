const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A random id with a prefix (`out_5k2…`): 20 characters of 32 (100 bits), from Web Crypto. */
export function newId(prefix: string): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(20));
  let id = `${prefix}_`;
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return id;
}
