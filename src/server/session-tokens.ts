import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'session_id';
/** Sessions expire after two hours without use. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;

/** 256 random bits, URL-safe. The client holds the token; the store only ever sees its hash. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

export const hashSessionToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** A token is only looked up when it has the shape we issue, so junk never reaches the store. */
export const isWellFormedToken = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

export const sessionCookieOptions = { httpOnly: true, sameSite: 'strict', path: '/' } as const;
