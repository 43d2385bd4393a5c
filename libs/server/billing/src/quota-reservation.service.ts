import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { unixNow } from '@one-api/server-common';
import { SqliteDirect } from '@one-api/server-db';
import { OpenHolds } from './open-holds';
import {
  affectedRows,
  GATEWAY_INSTANCE_ID,
  RECORD_HOLD,
  refundHold,
  RELEASE_HOLD,
  runnerOf,
} from './quota-hold-records';
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
const TAKE_FROM_USER = 'UPDATE users SET quota = quota - ? WHERE id = ? AND quota >= ?';
const RESERVE_ATTEMPTS = 3;

@Injectable()
export class QuotaReservationService {
  private direct?: SqliteDirect | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly ledger?: RedisQuotaLedger,
    @Optional() private readonly openHolds?: OpenHolds,
  ) {}

  /** The embedded SQLite's synchronous statements (resolved once connected), or undefined on other engines. */
  private sqliteDirect(): SqliteDirect | undefined {
    if (this.direct === undefined) this.direct = SqliteDirect.of(this.dataSource) ?? null;
    return this.direct ?? undefined;
  }

  /** Holds in Redis when BATCH_UPDATE_ENABLED and Redis is up (see RedisQuotaLedger), else in the database. */
  /** `requestId` records the hold for reconciliation after a crash; a hold taken without one is not recorded. */
  async reserveHold(
    holder: QuotaHolder,
    amount: number,
    requestId?: string,
  ): Promise<{ amount: number; store: HoldStore }> {
    if (amount <= 0) return { amount: 0, store: 'db' };
    const result = await this.ledger?.reserve(holder, amount);
    if (result === 'ok') return { amount, store: 'redis' };
    if (result === 'token' || result === 'user') throw new InsufficientQuotaError(result);
    return { amount: await this.reserve(holder, amount, requestId), store: 'db' };
  }

  /**
   * Takes the hold from the key and the user and records it in `quota_holds`, all in one transaction: a hold never
   * exists without its record, so if this process dies before settling, a surviving one gives it back
   * (HoldReconciler) — and a refused user balance rolls the key's part back with the transaction.
   */
  async reserve(holder: QuotaHolder, amount: number, requestId?: string): Promise<number> {
    if (amount <= 0) return 0;
    const record = [
      requestId,
      GATEWAY_INSTANCE_ID,
      holder.tokenId,
      holder.userId,
      holder.unlimitedToken ? 1 : 0,
      amount,
      unixNow(),
    ];
    const direct = this.sqliteDirect();
    if (direct) {
      if (direct.busy) await direct.whenIdle(); // never become part of another writer's open transaction
      if (requestId) this.openHolds?.add(requestId);
      try {
        // Synchronous: the decrements cannot interleave with another request's.
        direct.transaction(() => {
          if (!holder.unlimitedToken && direct.run(TAKE_FROM_TOKEN, [amount, holder.tokenId, amount]) === 0)
            throw new InsufficientQuotaError('token');
          if (direct.run(TAKE_FROM_USER, [amount, holder.userId, amount]) === 0)
            throw new InsufficientQuotaError('user');
          if (requestId) direct.run(RECORD_HOLD, record);
        });
      } catch (error) {
        if (requestId) this.openHolds?.delete(requestId);
        throw error;
      }
      return amount;
    }
    if (!requestId) {
      await this.take(holder, amount, record, false);
      return amount;
    }
    this.openHolds?.add(requestId);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.take(holder, amount, record, true);
        return amount;
      } catch (error) {
        if (error instanceof InsufficientQuotaError) {
          this.openHolds?.delete(requestId);
          throw error;
        }
        // A lost connection or a deadlock: the transaction may even have committed. Give such a hold back, then
        // try again; if even that fails, the reconciler finds the record (no longer an open hold) and refunds it.
        const cleaned = await this.giveBackIfTaken(holder, amount, requestId).then(
          () => true,
          () => false,
        );
        if (!cleaned || attempt >= RESERVE_ATTEMPTS) {
          this.openHolds?.delete(requestId);
          throw error;
        }
        await new Promise((r) => setTimeout(r, 25 * attempt));
      }
    }
  }

  private async take(
    holder: QuotaHolder,
    amount: number,
    record: unknown[],
    recorded: boolean,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const runner = runnerOf(manager);
      if (
        !holder.unlimitedToken &&
        (await affectedRows(runner, TAKE_FROM_TOKEN, [amount, holder.tokenId, amount])) === 0
      )
        throw new InsufficientQuotaError('token');
      if ((await affectedRows(runner, TAKE_FROM_USER, [amount, holder.userId, amount])) === 0)
        throw new InsufficientQuotaError('user');
      if (recorded) await affectedRows(runner, RECORD_HOLD, record);
    });
  }

  private async giveBackIfTaken(holder: QuotaHolder, amount: number, requestId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const runner = runnerOf(manager);
      if ((await affectedRows(runner, RELEASE_HOLD, [requestId])) > 0)
        await refundHold(runner, { ...holder, amount });
    });
  }
}
