import { Role } from '@one-api/contracts';
import { verifyPassword } from '@one-api/server-common';

/** The password One API seeds root with. */
export const DEFAULT_ROOT_PASSWORD = '123456';

const verdicts = new Map<string, Promise<boolean>>();
const MAX_REMEMBERED = 64;

/**
 * Whether this account is root and still has the seeded password. The bcrypt comparison is remembered per hash
 * (a hash either is or is not of "123456", forever), so it costs one comparison per process and password.
 */
export function hasDefaultRootPassword(user: {
  role: number;
  password: string | null | undefined;
}): Promise<boolean> {
  if (user.role < Role.Root || !user.password) return Promise.resolve(false);
  const hash = user.password;
  let verdict = verdicts.get(hash);
  if (!verdict) {
    if (verdicts.size >= MAX_REMEMBERED) verdicts.clear();
    verdict = verifyPassword(DEFAULT_ROOT_PASSWORD, hash);
    verdicts.set(hash, verdict);
  }
  return verdict;
}
