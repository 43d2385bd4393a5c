import type { Channel } from '@one-api/server-db';
import type { UpstreamClient } from '@one-api/server-relay';

/** Channel types whose balance API One API knows, by type id → how to read it. */
type BalanceReader = (get: (path: string) => Promise<unknown>) => Promise<number>;

const num = (v: unknown) => {
  const n = typeof v === 'string' ? Number.parseFloat(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isFinite(n)) throw new Error('the balance API answered without a number');
  return n;
};

const openAiDashboard: BalanceReader = async (get) => {
  const sub = (await get('/v1/dashboard/billing/subscription')) as { hard_limit_usd?: unknown };
  const now = new Date();
  const start = new Date(now.getTime() - 100 * 86_400_000);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const usage = (await get(
    `/v1/dashboard/billing/usage?start_date=${day(start)}&end_date=${day(new Date(now.getTime() + 86_400_000))}`,
  )) as { total_usage?: unknown };
  return num(sub.hard_limit_usd) - num(usage.total_usage ?? 0) / 100;
};

const READERS: Record<number, BalanceReader> = {
  1: openAiDashboard, // OpenAI
  3: openAiDashboard, // Azure is excluded by One API; kept out below
  5: openAiDashboard, // OpenAI-SB
  8: openAiDashboard, // Custom
  10: openAiDashboard, // AI Proxy
  12: openAiDashboard, // API2GPT
  13: openAiDashboard, // AIGC2D
  20: async (get) => {
    const body = (await get('/api/v1/credits')) as {
      data?: { total_credits?: unknown; total_usage?: unknown };
    };
    return num(body.data?.total_credits) - num(body.data?.total_usage ?? 0);
  },
  36: async (get) => {
    const body = (await get('/user/balance')) as {
      balance_infos?: Array<{ currency?: string; total_balance?: unknown }>;
    };
    const info = body.balance_infos?.find((b) => b.currency === 'USD') ?? body.balance_infos?.[0];
    return num(info?.total_balance);
  },
  44: async (get) => {
    const body = (await get('/v1/user/info')) as { data?: { totalBalance?: unknown } };
    return num(body.data?.totalBalance);
  },
};
delete READERS[3];

export function balanceSupported(type: number): boolean {
  return type in READERS;
}

/** Reads the channel's remaining credit (USD) from its provider's balance API. */
export async function fetchBalance(
  channel: Channel,
  upstream: UpstreamClient,
  defaultBaseUrl: (type: number) => string,
): Promise<number> {
  const reader = READERS[channel.type];
  if (!reader) throw new Error('this channel type has no balance API');
  let base = (channel.baseUrl || defaultBaseUrl(channel.type)).replace(/\/+$/, '');
  if (channel.type === 20 && base.endsWith('/api')) base = base.slice(0, -4);
  const get = async (path: string) => {
    const response = await upstream.send({
      url: base + path,
      method: 'GET',
      headers: { authorization: `Bearer ${channel.key ?? ''}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300)
      throw new Error(`the balance API answered ${response.statusCode}`);
    return JSON.parse(text) as unknown;
  };
  return reader(get);
}
