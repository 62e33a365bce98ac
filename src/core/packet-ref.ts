import { pooledRandomBytes } from './ids.ts';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A packet reference: `PKT-` and 10 characters drawn from 32 (50 random bits), unguessable. */
export function newPacketRef(random: (bytes: number) => Uint8Array = pooledRandomBytes): string {
  const bytes = random(10);
  let ref = 'PKT-';
  for (const byte of bytes) ref += ALPHABET[byte & 31];
  return ref;
}

/** The form of a packet reference (support-packet.md): `PKT-` and 6 to 10 capital letters and digits. */
export const PACKET_REF = /\bPKT-[A-Z0-9]{6,10}\b/;
