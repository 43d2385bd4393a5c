import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { unixNow } from '@one-api/server-common';
import { SqliteDirect } from '@one-api/server-db';
import { OpenHolds } from './open-holds';
import { affectedRows, GATEWAY_INSTANCE_ID, RECORD_HOLD, runnerOf } from './quota-hold-records';
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
const RESERVE_ATTEMPTS = 5;

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
        // The record's request id is unique: a duplicate means an earlier attempt committed although its connection
        // died before saying so — the hold is taken, exactly once.
        if (attempt > 1 && isDuplicateKey(error)) return amount;
        if (error instanceof InsufficientQuotaError || attempt >= RESERVE_ATTEMPTS) {
          // If an attempt did commit unseen, the record is no longer an open hold: the reconciler gives it back.
          this.openHolds?.delete(requestId);
          throw error;
        }
        // A connection the database dropped (restart, failover) or a deadlock: the pool hands out a fresh one.
        await new Promise((r) => setTimeout(r, 40 * attempt));
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
}

/** A unique-index violation, on PostgreSQL, MySQL/MariaDB or SQLite. */
function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown; driverError?: { code?: unknown; errno?: unknown } };
  const codes = [e?.code, e?.driverError?.code];
  return (
    codes.includes('23505') ||
    codes.includes('ER_DUP_ENTRY') ||
    codes.includes('SQLITE_CONSTRAINT_UNIQUE') ||
    e?.errno === 1062 ||
    e?.driverError?.errno === 1062
  );
}
