export interface RelayKey {
  /** the bare 48-char key as stored in tokens.key */
  key: string;
  /** `sk-KEY-<channelId>`: an admin pins the request to one channel */
  channelId?: number;
}

type Headers = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads the caller's key as One API does — `Authorization: Bearer sk-KEY[-CHANNEL]` (Bearer and the prefix optional)
 * — and also from `x-api-key` (Anthropic clients) and `api-key` (Azure clients).
 */
export function parseRelayKey(headers: Headers, prefixes: readonly string[] = ['sk-']): RelayKey | null {
  let raw = first(headers.authorization)?.trim();
  if (raw) raw = raw.replace(/^bearer(\s+|$)/i, '').trim();
  if (!raw) raw = first(headers['x-api-key'])?.trim() || first(headers['api-key'])?.trim();
  if (!raw) return null;
  for (const prefix of prefixes) {
    if (prefix && raw.startsWith(prefix)) {
      raw = raw.slice(prefix.length);
      break;
    }
  }
  const [key, channel, ...rest] = raw.split('-');
  if (!key || rest.length > 0) return null;
  if (channel === undefined) return { key };
  if (!/^\d+$/.test(channel)) return null;
  return { key, channelId: Number.parseInt(channel, 10) };
}
