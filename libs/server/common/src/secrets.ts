import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Unbiased random string over [0-9a-zA-Z] (rejection sampling keeps every character equally likely). */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALNUM[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A dash-less UUIDv4: One API's access tokens and redemption codes (32 hex chars). */
export function dashlessUuid(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * One API's API key shape: 16 alphanumerics + a dash-less UUIDv4 whose even-indexed lowercase letters are
 * upper-cased — 48 chars, no "-", stored bare and shown with the "sk-" prefix.
 */
export function generateTokenKey(): string {
  const uuid = dashlessUuid()
    .split('')
    .map((c, i) => (i % 2 === 0 && c >= 'a' && c <= 'z' ? c.toUpperCase() : c))
    .join('');
  return randomAlnum(16) + uuid;
}

export const BCRYPT_COST = 10;

export async function hashPassword(password: string): Promise<string> {
  // Go's bcrypt writes "$2a$"; the 2a and 2b variants hash identically, so keep One API's exact form.
  const salt = (await bcrypt.genSalt(BCRYPT_COST)).replace(/^\$2b\$/, '$2a$');
  return bcrypt.hash(password, salt);
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
