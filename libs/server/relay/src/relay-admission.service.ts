import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { HoldStore, InsufficientQuotaError, QuotaReservationService } from '@one-api/server-billing';
import { Candidate } from './channel-picker';
import { RelayPrincipal } from './relay-auth.service';
import { RelayDirectory } from './relay-directory.service';
import { RelayError, relayErrors } from './relay-error';
import { RelayHooks } from './relay-hooks';

/**
 * The two admission steps every relayed request takes before its upstream call, whatever the endpoint (chat-like or
 * media): which channels may serve it now, and the quota hold. Errors are the relay's own (OpenAI error JSON).
 */
@Injectable()
export class RelayAdmission {
  constructor(
    private readonly directory: RelayDirectory,
    private readonly hooks: RelayHooks,
    private readonly reservations: QuotaReservationService,
  ) {}

  /**
   * The key's pinned channel, or the group's channels for the model minus those the operational filters keep out now
   * (429 suspension, open breaker, channel rate limit); sets Retry-After when they all are.
   */
  async channels(
    res: Response,
    principal: RelayPrincipal,
    group: string,
    model: string,
  ): Promise<Candidate[]> {
    if (principal.pinnedChannelId !== undefined) {
      const channel = await this.directory.channel(principal.pinnedChannelId);
      if (!channel || channel.status !== 1)
        throw relayErrors.pinnedChannelUnavailable(principal.pinnedChannelId);
      return [{ channelId: channel.id, priority: 0, weight: 0 }];
    }
    const candidates = await this.directory.candidates(group, model);
    if (candidates.length === 0) throw relayErrors.noChannel(group, model);
    const result = await this.hooks.available(candidates, { group, model });
    if (result.candidates.length > 0) return result.candidates;
    if (result.retryAfterMs)
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))));
    if (result.rateLimited)
      throw new RelayError(
        429,
        `All available channels (${candidates.length}) for model ${model} are rate limited, please try again later`,
        'rate_limit_error',
        'channels_rate_limited',
      );
    throw relayErrors.noChannel(group, model);
  }

  /** Holds `amount` from the key and its owner; an exhausted key is dropped from the cache so it is re-read. */
  async hold(
    principal: RelayPrincipal,
    amount: number,
    requestId: string,
  ): Promise<{ amount: number; store: HoldStore }> {
    try {
      return await this.reservations.reserveHold(
        {
          tokenId: principal.token.id,
          userId: principal.user.id,
          unlimitedToken: principal.token.unlimitedQuota,
        },
        amount,
        requestId,
      );
    } catch (error) {
      if (!(error instanceof InsufficientQuotaError)) throw error;
      if (error.holder === 'token') {
        this.directory.forgetToken(principal.key);
        throw relayErrors.keyExhausted();
      }
      throw relayErrors.userQuota();
    }
  }
}
