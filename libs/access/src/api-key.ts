import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// A key reads `trk_<id>_<secret>`: the id finds the stored record by _id (the one index every
// MongoDB-wire server serves), the secret is compared with its stored SHA-256 in constant time.
// Secrets are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
const KEY_PATTERN = /^trk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  id: string;
  secret: string;
  /** The whole key, shown once. */
  key: string;
  hash: string;
}

/** A new random API key. */
export function generateKey(): NewKey {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `trk_${id}_${secret}`, hash: hashSecret(secret) };
}

/** The id and secret of a well-formed key, or null. */
export function parseKey(key: string): { id: string; secret: string } | null {
  const m = KEY_PATTERN.exec(key);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Whether `secret` hashes to `hash`, in time independent of where they differ. */
export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
