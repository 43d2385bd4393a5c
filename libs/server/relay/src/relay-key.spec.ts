import { parseRelayKey } from './relay-key';

const KEY = 'AbCdEfGh12345678A1b2C3d4E5f6A7b8C9d0E1f2A3b4C5d6';

describe('parseRelayKey', () => {
  it.each([
    [{ authorization: `Bearer sk-${KEY}` }],
    [{ authorization: `bearer sk-${KEY}` }],
    [{ authorization: `Bearer ${KEY}` }],
    [{ authorization: `sk-${KEY}` }],
    [{ authorization: KEY }],
    [{ 'x-api-key': `sk-${KEY}` }],
    [{ 'api-key': KEY }],
  ])('reads %o', (headers) => {
    expect(parseRelayKey(headers)).toEqual({ key: KEY });
  });

  it('reads a channel pin', () => {
    expect(parseRelayKey({ authorization: `Bearer sk-${KEY}-12` })).toEqual({ key: KEY, channelId: 12 });
  });

  it('prefers Authorization over x-api-key', () => {
    expect(parseRelayKey({ authorization: 'Bearer sk-aaa', 'x-api-key': 'sk-bbb' })).toEqual({ key: 'aaa' });
  });

  it('rejects missing and malformed keys', () => {
    expect(parseRelayKey({})).toBeNull();
    expect(parseRelayKey({ authorization: 'Bearer ' })).toBeNull();
    expect(parseRelayKey({ authorization: `sk-${KEY}-abc` })).toBeNull();
    expect(parseRelayKey({ authorization: `sk-${KEY}-1-2` })).toBeNull();
  });
});
