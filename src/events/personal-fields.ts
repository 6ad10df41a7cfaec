import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The event fields that say who the player is: sealed in the log with the player's key when the deployment asks. */
export const personalFields = ['username', 'user_agent'] as const;

/** A player's key: `id` names it in sealed values and record keys (random, says nothing of the player). */
export interface PlayerKey {
  id: string;
  key: Buffer;
}

export const newPlayerKey = (): PlayerKey => ({ id: randomBytes(12).toString('hex'), key: randomBytes(32) });

/** A sealed value: `gpe1:<key id>:<base64url of 12-byte IV, ciphertext, 16-byte tag>` (version 1: AES-256-GCM). */
const SEALED = /"(gpe1:([0-9a-f]{24}):([A-Za-z0-9_-]+))"/g;
const PREFIX = 'gpe1:';

/** The pseudonym of a player whose key is gone: the same for all their records, and linked to nothing once the key is destroyed. */
export const pseudonymOfKey = (id: string): string => `erased-${id}`;

export function sealValue(key: PlayerKey, field: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(field));
  const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${key.id}:${body.toString('base64url')}`;
}

function openValue(key: Buffer, field: string, sealed: string): string | null {
  const body = Buffer.from(sealed, 'base64url');
  if (body.length < 28) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12));
    decipher.setAAD(Buffer.from(field));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** The event with its personal fields sealed under the player's key (fields in place, so the JSON keeps its form). */
export function sealPersonalFields<E extends Record<string, unknown>>(event: E, key: PlayerKey): E {
  const sealed: Record<string, unknown> = { ...event };
  for (const field of personalFields) {
    const value = sealed[field];
    if (typeof value === 'string') sealed[field] = sealValue(key, field, value);
  }
  return sealed as E;
}

/** The key ids a record's value names, for fetching their keys before opening it. */
export function sealedKeyIds(value: string): string[] {
  if (!value.includes(PREFIX)) return [];
  return [...new Set([...value.matchAll(SEALED)].map((m) => m[2]!))];
}

/**
 * A record's value with each sealed field opened, as the JSON it was before sealing. A field whose
 * key is gone (the player was erased) or does not open becomes the pseudonym for `username`, and
 * is dropped (null) otherwise: such a record lands like an erased player's rows, never as a dead letter.
 */
export function openPersonalFields(value: string, keyOf: (id: string) => Buffer | null): string {
  if (!value.includes(PREFIX)) return value;
  return value.replace(
    /"(username|user_agent)":"(gpe1:([0-9a-f]{24}):([A-Za-z0-9_-]+))"/g,
    (_, field, _s, id, body) => {
      const key = keyOf(id);
      const plain = key ? openValue(key, field, body) : null;
      if (plain !== null) return `"${field}":${JSON.stringify(plain)}`;
      return field === 'username' ? `"${field}":${JSON.stringify(pseudonymOfKey(id))}` : `"${field}":null`;
    },
  );
}
