import { embeddedIpv4, forbiddenReason, parseNetworks } from './address-policy';

describe('user content address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(forbiddenReason(address)).toContain(reason);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(forbiddenReason(address)).toBeUndefined();
    },
  );

  it('reads IPv4 embedded in IPv6 forms', () => {
    expect(embeddedIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(embeddedIpv4('::ffff:a00:1')).toBe('10.0.0.1');
    expect(embeddedIpv4('2606:4700::1111')).toBeUndefined();
  });

  it('lets allowed networks through, and only those', () => {
    const allowed = parseNetworks('10.0.0.0/8, fd00::/8, 127.0.0.1');
    expect(forbiddenReason('10.9.9.9', allowed)).toBeUndefined();
    expect(forbiddenReason('fd00::5', allowed)).toBeUndefined();
    expect(forbiddenReason('127.0.0.1', allowed)).toBeUndefined();
    expect(forbiddenReason('127.0.0.2', allowed)).toContain('loopback');
    expect(forbiddenReason('169.254.169.254', allowed)).toContain('link-local');
    expect(() => parseNetworks('intranet')).toThrow('not an IP network');
    expect(() => parseNetworks('10.0.0.0/33')).toThrow('bad prefix');
  });
});
