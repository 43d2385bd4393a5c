import { likePrefix } from './logs-query.service';
import { formatQuota } from './quota-text';

describe('log helpers', () => {
  it('names quota in dollars or points', () => {
    expect(formatQuota(250000, { displayInCurrency: true, quotaPerUnit: 500000 })).toBe('$0.500000 quota');
    expect(formatQuota(250000, { displayInCurrency: false, quotaPerUnit: 500000 })).toBe(
      '250000 quota points',
    );
  });

  it('escapes LIKE wildcards so a keyword matches literally', () => {
    expect(likePrefix('abc')).toBe('abc%');
    expect(likePrefix('100%_!')).toBe('100!%!_!!%');
  });
});
