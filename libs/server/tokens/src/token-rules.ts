import { BlockList, isIP } from 'node:net';
import { TokenStatus } from '@one-api/contracts';
import { splitCommaList } from '@one-api/server-common';

/** Longest token name One API accepts. */
export const TOKEN_NAME_MAX = 30;
/** tokens.subnet is an indexed-size text column on MySQL (varchar(191)). */
export const TOKEN_SUBNET_MAX = 191;

/** `models` as stored: a clean comma list, or NULL (every model) when nothing is listed. */
export function normalizeTokenModels(value: string | null | undefined): string | null {
  const models = splitCommaList(value);
  return models.length ? models.join(',') : null;
}

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses "address/prefix" (IPv4 or IPv6); null when it is not a valid CIDR block. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.lastIndexOf('/');
  if (slash <= 0) return null;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const version = isIP(address);
  if (version === 0 || address.includes('%')) return null;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  try {
    new BlockList().addSubnet(address, prefix, family);
  } catch {
    return null;
  }
  return { address, prefix, family };
}

export type SubnetParse = { ok: true; value: string } | { ok: false; invalid: string };

/** Validates a comma list of CIDR blocks and returns it normalised ("" = any address). */
export function normalizeSubnets(value: string | null | undefined): SubnetParse {
  const items = splitCommaList(value);
  for (const item of items) if (!parseCidr(item)) return { ok: false, invalid: item };
  return { ok: true, value: items.join(',') };
}

/** Whether a client address may use a token restricted to `subnet` (empty = any address). */
export function isIpAllowed(subnet: string | null | undefined, ip: string): boolean {
  const blocks = splitCommaList(subnet);
  if (!blocks.length) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  const version = isIP(address);
  if (version === 0) return false;
  const list = new BlockList();
  for (const block of blocks) {
    const cidr = parseCidr(block);
    if (cidr) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

/** One API stores "never expires" as -1; 0 or a missing value means never. */
export function normalizeExpiredTime(value: number | null | undefined): number {
  return value === undefined || value === null || value === 0 ? -1 : value;
}

export interface TokenQuotaState {
  expiredTime: number;
  remainQuota: number;
  unlimitedQuota: boolean;
}

export function isTokenExpired(token: Pick<TokenQuotaState, 'expiredTime'>, now: number): boolean {
  return token.expiredTime !== -1 && token.expiredTime <= now;
}

export function isTokenExhausted(token: Pick<TokenQuotaState, 'remainQuota' | 'unlimitedQuota'>): boolean {
  return !token.unlimitedQuota && token.remainQuota <= 0;
}

/** Why a token may not be switched to `status`, or null when the change is allowed. */
export function statusChangeBlocker(token: TokenQuotaState, status: number, now: number): string | null {
  if (status !== TokenStatus.Enabled) return null;
  if (isTokenExpired(token, now)) {
    return 'This token has expired and cannot be enabled: change its expiry time or set it to never expire first';
  }
  if (isTokenExhausted(token)) {
    return 'This token has no quota left and cannot be enabled: raise its quota or make it unlimited first';
  }
  return null;
}
