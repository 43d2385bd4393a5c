import { Role } from '@one-api/contracts';

export const SECONDS_PER_DAY = 86400;

/**
 * The account rule of the management API: an admin acts only on users whose role is lower than their own;
 * root acts on everyone (the few things root may not do to itself are checked where they apply).
 */
export function mayActOn(callerRole: number, targetRole: number): boolean {
  return callerRole >= Role.Root || targetRole < callerRole;
}

/** The dashboard window: from UTC midnight six days ago to the end of today (7 calendar days, UTC). */
export function dashboardWindow(nowSeconds: number): { start: number; end: number } {
  const today = nowSeconds - (nowSeconds % SECONDS_PER_DAY);
  const start = today - 6 * SECONDS_PER_DAY;
  return { start, end: today + SECONDS_PER_DAY - 1 };
}

/** UTC day of a day bucket (seconds at UTC midnight) as YYYY-MM-DD. */
export function dayString(bucketSeconds: number): string {
  return new Date(bucketSeconds * 1000).toISOString().slice(0, 10);
}

/** Unique-constraint violations of the three engines (SQLite, PostgreSQL, MySQL/MariaDB). */
export function isUniqueViolation(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; errno?: unknown; driverError?: { code?: unknown; errno?: unknown } };
  const codes = [e.code, e.driverError?.code];
  const errnos = [e.errno, e.driverError?.errno];
  return (
    codes.some(
      (c) =>
        c === '23505' ||
        c === 'ER_DUP_ENTRY' ||
        c === 'SQLITE_CONSTRAINT_UNIQUE' ||
        c === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    ) || errnos.includes(1062)
  );
}
