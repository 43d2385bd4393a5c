import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Token, User } from '@one-api/server-db';
import { RedisQuotaLedger } from './redis-quota-ledger.service';

export class InsufficientQuotaError extends Error {
  constructor(readonly holder: 'token' | 'user') {
    super(holder === 'token' ? 'The API key has run out of quota' : 'Your account has run out of quota');
    this.name = 'InsufficientQuotaError';
  }
}

/** Where a hold was taken: settle it in the same place. */
export type HoldStore = 'redis' | 'db';

export interface QuotaHolder {
  tokenId: number;
  userId: number;
  unlimitedToken: boolean;
}

/**
 * Holds quota before the upstream call with conditional decrements (`… WHERE remain >= amount`): concurrent
 * requests can never take more than there is, on any engine, without locks or read-then-write.
 */
@Injectable()
export class QuotaReservationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly ledger?: RedisQuotaLedger,
  ) {}

  /** Holds in Redis when BATCH_UPDATE_ENABLED and Redis is up (see RedisQuotaLedger), else in the database. */
  async reserveHold(holder: QuotaHolder, amount: number): Promise<{ amount: number; store: HoldStore }> {
    if (amount <= 0) return { amount: 0, store: 'db' };
    const result = await this.ledger?.reserve(holder, amount);
    if (result === 'ok') return { amount, store: 'redis' };
    if (result === 'token' || result === 'user') throw new InsufficientQuotaError(result);
    return { amount: await this.reserve(holder, amount), store: 'db' };
  }

  async reserve(holder: QuotaHolder, amount: number): Promise<number> {
    if (amount <= 0) return 0;
    if (!holder.unlimitedToken) {
      const token = await this.dataSource
        .createQueryBuilder()
        .update(Token)
        .set({ remainQuota: () => `remain_quota - ${amount}` })
        .where('id = :id AND remain_quota >= :amount', { id: holder.tokenId, amount })
        .execute();
      if (!token.affected) throw new InsufficientQuotaError('token');
    }
    const user = await this.dataSource
      .createQueryBuilder()
      .update(User)
      .set({ quota: () => `quota - ${amount}` })
      .where('id = :id AND quota >= :amount', { id: holder.userId, amount })
      .execute();
    if (!user.affected) {
      if (!holder.unlimitedToken) {
        await this.dataSource
          .createQueryBuilder()
          .update(Token)
          .set({ remainQuota: () => `remain_quota + ${amount}` })
          .where('id = :id', { id: holder.tokenId })
          .execute();
      }
      throw new InsufficientQuotaError('user');
    }
    return amount;
  }
}
