import {
  isIpAllowed,
  normalizeExpiredTime,
  normalizeSubnets,
  normalizeTokenModels,
  parseCidr,
  statusChangeBlocker,
} from './token-rules';
import { splitCommaList } from '@one-api/server-common';

describe('token rules', () => {
  it('cleans comma lists', () => {
    expect(splitCommaList(' a , ,b,a,  c ')).toEqual(['a', 'b', 'c']);
    expect(splitCommaList('')).toEqual([]);
    expect(splitCommaList(null)).toEqual([]);
    expect(normalizeTokenModels(' gpt-4o, gpt-4o ,o3')).toBe('gpt-4o,o3');
    expect(normalizeTokenModels(' , ')).toBeNull();
    expect(normalizeTokenModels(null)).toBeNull();
  });

  it('parses CIDR blocks of both families and rejects everything else', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseCidr('0.0.0.0/0')?.prefix).toBe(0);
    for (const bad of [
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0.0',
      '10.0.0/8',
      'abc/8',
      '/8',
      '10.0.0.0/',
      '10.0.0.0/-1',
      '10.0.0.0/8x',
      'fe80::1%eth0/64',
    ]) {
      expect(parseCidr(bad)).toBeNull();
    }
  });

  it('normalises subnet lists and names the first bad block', () => {
    expect(normalizeSubnets(' 10.0.0.0/8 , 192.168.1.0/24,10.0.0.0/8 ')).toEqual({
      ok: true,
      value: '10.0.0.0/8,192.168.1.0/24',
    });
    expect(normalizeSubnets('')).toEqual({ ok: true, value: '' });
    expect(normalizeSubnets(null)).toEqual({ ok: true, value: '' });
    expect(normalizeSubnets('10.0.0.0/8,300.1.1.1/24,nope')).toEqual({ ok: false, invalid: '300.1.1.1/24' });
  });

  it('matches client addresses against the allow-list', () => {
    expect(isIpAllowed('', '8.8.8.8')).toBe(true);
    expect(isIpAllowed(null, '8.8.8.8')).toBe(true);
    expect(isIpAllowed('10.0.0.0/8', '10.20.30.40')).toBe(true);
    expect(isIpAllowed('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(isIpAllowed('10.0.0.0/8', '::ffff:10.1.1.1')).toBe(true);
    expect(isIpAllowed('10.0.0.0/8,2001:db8::/32', '2001:db8::1')).toBe(true);
    expect(isIpAllowed('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(isIpAllowed('10.0.0.0/8', 'not-an-ip')).toBe(false);
  });

  it('stores "never expires" as -1', () => {
    expect(normalizeExpiredTime(undefined)).toBe(-1);
    expect(normalizeExpiredTime(null)).toBe(-1);
    expect(normalizeExpiredTime(0)).toBe(-1);
    expect(normalizeExpiredTime(-1)).toBe(-1);
    expect(normalizeExpiredTime(1900000000)).toBe(1900000000);
  });

  it('refuses to enable expired or exhausted tokens only', () => {
    const now = 1_800_000_000;
    const fine = { expiredTime: -1, remainQuota: 10, unlimitedQuota: false };
    expect(statusChangeBlocker(fine, 1, now)).toBeNull();
    expect(statusChangeBlocker({ ...fine, expiredTime: now + 60 }, 1, now)).toBeNull();
    expect(statusChangeBlocker({ ...fine, expiredTime: now - 1 }, 1, now)).toMatch(/expired/);
    expect(statusChangeBlocker({ ...fine, expiredTime: now }, 1, now)).toMatch(/expired/);
    expect(statusChangeBlocker({ ...fine, remainQuota: 0 }, 1, now)).toMatch(/quota/);
    expect(statusChangeBlocker({ ...fine, remainQuota: -5 }, 1, now)).toMatch(/quota/);
    expect(statusChangeBlocker({ ...fine, remainQuota: 0, unlimitedQuota: true }, 1, now)).toBeNull();
    // disabling is always allowed
    expect(
      statusChangeBlocker({ expiredTime: now - 1, remainQuota: 0, unlimitedQuota: false }, 2, now),
    ).toBeNull();
  });
});
