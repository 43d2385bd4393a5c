import { Role } from '@one-api/contracts';
import { dashboardWindow, dayString, isUniqueViolation, mayActOn } from './rules';

describe('account rules', () => {
  it('lets admins act only on lower roles and root on everyone', () => {
    expect(mayActOn(Role.Admin, Role.Common)).toBe(true);
    expect(mayActOn(Role.Admin, Role.Admin)).toBe(false);
    expect(mayActOn(Role.Admin, Role.Root)).toBe(false);
    expect(mayActOn(Role.Common, Role.Common)).toBe(false);
    expect(mayActOn(Role.Root, Role.Root)).toBe(true);
    expect(mayActOn(Role.Root, Role.Admin)).toBe(true);
  });

  it('spans seven UTC days ending today', () => {
    const now = Date.UTC(2024, 2, 10, 15, 30) / 1000;
    const { start, end } = dashboardWindow(now);
    expect(dayString(start)).toBe('2024-03-04');
    expect(new Date(start * 1000).toISOString()).toBe('2024-03-04T00:00:00.000Z');
    expect(new Date(end * 1000).toISOString()).toBe('2024-03-10T23:59:59.000Z');
  });

  it('recognises unique violations of every engine', () => {
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(true);
    expect(isUniqueViolation({ driverError: { code: '23505' } })).toBe(true);
    expect(isUniqueViolation({ code: 'ER_DUP_ENTRY', errno: 1062 })).toBe(true);
    expect(isUniqueViolation({ code: '23503' })).toBe(false);
    expect(isUniqueViolation(new Error('boom'))).toBe(false);
  });
});
