import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Role, TokenStatus, UserStatus } from '@one-api/contracts';
import { AppConfig } from '@one-api/server-config';
import { relayErrors } from './relay-error';
import { RelayDirectory, TokenView, UserView } from './relay-directory.service';
import { parseRelayKey } from './relay-key';

export interface RelayPrincipal {
  key: string;
  token: TokenView;
  user: UserView;
  /** `sk-KEY-<channel id>` by an admin */
  pinnedChannelId?: number;
}

/** One API's TokenAuth for /v1: key, key status, expiry, quota, subnet, owner status, channel pin. */
@Injectable()
export class RelayAuthService {
  private readonly prefixes: string[];

  constructor(
    private readonly directory: RelayDirectory,
    config: AppConfig,
  ) {
    this.prefixes = [...new Set([config.tokenKeyPrefix, 'sk-'])].filter(Boolean);
  }

  /**
   * `allowExhausted`: a key with no quota left still identifies itself (the external-billing API must settle or
   * cancel a reservation that took a key's last quota, and show its balance).
   */
  async authenticate(req: Request, options: { allowExhausted?: boolean } = {}): Promise<RelayPrincipal> {
    const parsed = parseRelayKey(req.headers, this.prefixes);
    if (!parsed)
      throw req.headers.authorization || req.headers['x-api-key']
        ? relayErrors.invalidKey()
        : relayErrors.missingKey();
    const token = await this.directory.tokenByKey(parsed.key);
    if (!token) throw relayErrors.invalidKey();
    if (
      token.status === TokenStatus.Expired ||
      (token.expiredTime !== -1 && token.expiredTime * 1000 < Date.now())
    ) {
      throw relayErrors.keyExpired();
    }
    if (
      !options.allowExhausted &&
      (token.status === TokenStatus.Exhausted || (!token.unlimitedQuota && token.remainQuota <= 0))
    ) {
      throw relayErrors.keyExhausted();
    }
    const usable =
      token.status === TokenStatus.Enabled ||
      (options.allowExhausted && token.status === TokenStatus.Exhausted);
    if (!usable) throw relayErrors.keyDisabled();
    if (token.subnets) {
      const ip = clientIp(req);
      const family = ip.includes(':') ? 'ipv6' : 'ipv4';
      if (!token.subnets.check(ip, family)) throw relayErrors.ipNotAllowed(ip);
    }
    const user = await this.directory.userById(token.userId);
    if (!user || user.status !== UserStatus.Enabled) throw relayErrors.userDisabled();
    if (parsed.channelId !== undefined && user.role < Role.Admin) throw relayErrors.pinNotAllowed();
    return { key: parsed.key, token, user, pinnedChannelId: parsed.channelId };
  }
}

function clientIp(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
