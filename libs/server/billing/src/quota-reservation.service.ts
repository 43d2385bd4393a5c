import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DirectSql, SqliteDirect } from '@one-api/server-db';
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
const TAKE_FROM_TOKEN =
  'UPDATE tokens SET remain_quota = remain_quota - ? WHERE id = ? AND remain_quota >= ?';
const GIVE_BACK_TO_TOKEN = 'UPDATE tokens SET remain_quota = remain_quota + ? WHERE id = ?';
const TAKE_FROM_USER = 'UPDATE users SET quota = quota - ? WHERE id = ? AND quota >= ?';

@Injectable()
export class QuotaReservationService {
  private readonly sql: DirectSql;
  private direct?: SqliteDirect | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly ledger?: RedisQuotaLedger,
  ) {
    this.sql = new DirectSql(dataSource);
  }

  /** The embedded SQLite's synchronous statements (resolved once connected), or undefined on other engines. */
  private sqliteDirect(): SqliteDirect | undefined {
    if (this.direct === undefined) this.direct = SqliteDirect.of(this.dataSource) ?? null;
    return this.direct ?? undefined;
  }

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
    const direct = this.sqliteDirect();
    if (direct) {
      if (direct.busy) await direct.whenIdle(); // never become part of another writer's open transaction
      // Synchronous: the two conditional decrements cannot interleave with another request's.
      if (!holder.unlimitedToken && direct.run(TAKE_FROM_TOKEN, [amount, holder.tokenId, amount]) === 0)
        throw new InsufficientQuotaError('token');
      if (direct.run(TAKE_FROM_USER, [amount, holder.userId, amount]) === 0) {
        if (!holder.unlimitedToken) direct.run(GIVE_BACK_TO_TOKEN, [amount, holder.tokenId]);
        throw new InsufficientQuotaError('user');
      }
      return amount;
    }
    if (
      !holder.unlimitedToken &&
      (await this.sql.execute(TAKE_FROM_TOKEN, [amount, holder.tokenId, amount])) === 0
    ) {
      throw new InsufficientQuotaError('token');
    }
    if ((await this.sql.execute(TAKE_FROM_USER, [amount, holder.userId, amount])) === 0) {
      if (!holder.unlimitedToken) await this.sql.execute(GIVE_BACK_TO_TOKEN, [amount, holder.tokenId]);
      throw new InsufficientQuotaError('user');
    }
    return amount;
  }
}
