import { abilityRows, channelGroups, splitList } from './abilities';

describe('abilityRows', () => {
  it('is one row per group × model after trimming and de-duplicating', () => {
    const rows = abilityRows({
      id: 7,
      models: ' gpt-4o, gpt-4o-mini ,gpt-4o,, ',
      group: 'default, vip ,default',
      status: 1,
      priority: 5,
    });
    expect(rows).toEqual([
      { group: 'default', model: 'gpt-4o', channelId: 7, enabled: true, priority: 5 },
      { group: 'default', model: 'gpt-4o-mini', channelId: 7, enabled: true, priority: 5 },
      { group: 'vip', model: 'gpt-4o', channelId: 7, enabled: true, priority: 5 },
      { group: 'vip', model: 'gpt-4o-mini', channelId: 7, enabled: true, priority: 5 },
    ]);
  });

  it('is enabled only for status 1 and copies the priority (null → 0)', () => {
    for (const status of [0, 2, 3]) {
      expect(abilityRows({ id: 1, models: 'a', group: 'default', status, priority: -3 })).toEqual([
        { group: 'default', model: 'a', channelId: 1, enabled: false, priority: -3 },
      ]);
    }
    expect(abilityRows({ id: 1, models: 'a', group: 'g', status: 1, priority: null })[0].priority).toBe(0);
  });

  it('keeps model names case-sensitive and falls back to the default group', () => {
    const rows = abilityRows({ id: 2, models: 'GPT-4o,gpt-4o', group: ' , ', status: 1, priority: 0 });
    expect(rows.map((r) => [r.group, r.model])).toEqual([
      ['default', 'GPT-4o'],
      ['default', 'gpt-4o'],
    ]);
  });

  it('has no rows without models', () => {
    expect(abilityRows({ id: 3, models: '', group: 'default', status: 1, priority: 0 })).toEqual([]);
    expect(abilityRows({ id: 3, models: null, group: 'default', status: 1, priority: 0 })).toEqual([]);
  });

  it('splits lists', () => {
    expect(splitList('a,b , a')).toEqual(['a', 'b']);
    expect(channelGroups(undefined)).toEqual(['default']);
    expect(channelGroups('vip')).toEqual(['vip']);
  });
});
