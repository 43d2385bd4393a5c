import { BeforeApplicationShutdown, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LogType } from '@one-api/contracts';
import { unixNow } from '@one-api/server-common';
import {
  Channel,
  Log,
  SqliteDirect,
  Token,
  TransactionRunner,
  User,
  UserRequestCost,
} from '@one-api/server-db';
import type { HoldStore } from './quota-reservation.service';
import { OpenHolds } from './open-holds';
import { RedisQuotaLedger } from './redis-quota-ledger.service';
import { FORGET_REFUNDED_HOLD, holdWasRefunded, RELEASE_HOLD, runnerOf } from './quota-hold-records';

/** The end of one relayed request: what was held, what it finally costs, and its consume log. */
export interface Settlement {
  requestId: string;
  tokenId: number;
  tokenName: string;
  unlimitedToken: boolean;
  userId: number;
  username: string;
  channelId: number | null;
  reserved: number;
  quota: number;
  modelName: string;
  originModelName: string;
  promptTokens: number;
  completionTokens: number;
  elapsedMs: number;
  isStream: boolean;
  systemPromptReset: boolean;
  content: string;
  /** where the hold was taken (default: the database) */
  holdStore?: HoldStore;
  /** false when a database settlement has no `quota_holds` record (a Redis hold settled in the database instead) */
  holdRecorded?: boolean;
  /** the request's trace (logs.trace_id) */
  traceId?: string;
  /** prompt tokens read from a provider cache (logs.cached_prompt_tokens) */
  cachedPromptTokens?: number;
  /** JSON of cache writes and reasoning tokens (logs.metadata) */
  usageMetadata?: string;
}

const FLUSH_INTERVAL_MS = 50;
const MAX_BATCH = 500;

/**
 * Applies settlements in small batches off the hot path: one transaction moves every key's, user's and channel's
 * quota by the difference between held and final amounts and inserts the consume logs and cost rows, so quota and
 * logs always agree. Batches are flushed every 50 ms and on shutdown.
 */
@Injectable()
export class SettlementWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Settlement');
  private queue: Settlement[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly adjusting = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    @Optional() private readonly ledger?: RedisQuotaLedger,
    @Optional() private readonly openHolds?: OpenHolds,
  ) {}

  enqueue(settlement: Settlement): void {
    if (settlement.holdStore === 'redis' && this.ledger) {
      // The hold is in Redis: settle the difference there; if Redis cannot take it, the database does.
      const holder = {
        tokenId: settlement.tokenId,
        userId: settlement.userId,
        unlimitedToken: settlement.unlimitedToken,
      };
      const done: Promise<void> = this.ledger
        .adjust(holder, settlement.reserved - settlement.quota)
        .catch(() => false)
        .then((ok) => {
          this.adjusting.delete(done);
          this.push(ok ? settlement : { ...settlement, holdStore: 'db', holdRecorded: false });
        });
      this.adjusting.add(done);
      return;
    }
    this.push(settlement);
  }

  private push(settlement: Settlement): void {
    this.queue.push(settlement);
    if (this.queue.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything queued so far (also awaited by tests and at shutdown). */
  async flush(): Promise<void> {
    if (this.adjusting.size > 0) await Promise.all([...this.adjusting]);
    return this.flushQueued();
  }

  private flushQueued(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.flushing;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Before the database connection closes (TypeORM closes it in onApplicationShutdown). */
  private shutDown = false;

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
    this.shutDown = true;
    // Then the Redis quota changes those settlements made (BATCH_UPDATE_ENABLED).
    if (this.ledger?.configured)
      await this.ledger.flush().catch((e: Error) => this.logger.warn(`final quota flush: ${e.message}`));
  }

  private direct?: SqliteDirect | null;

  private sqliteDirect(): SqliteDirect | undefined {
    if (this.direct === undefined) this.direct = SqliteDirect.of(this.dataSource) ?? null;
    return this.direct ?? undefined;
  }

  /**
   * Settlements whose write threw: the transaction may still have committed (the connection was lost at COMMIT), so
   * before writing them again the ones already in the database are left out — otherwise they would be billed twice
   * and the duplicate cost rows would block the queue.
   */
  private readonly uncertain = new WeakSet<Settlement>();

  private async notYetWritten(batch: Settlement[]): Promise<Settlement[]> {
    if (!batch.some((s) => this.uncertain.has(s))) return batch;
    const written = new Set<string>();
    for (let i = 0; i < batch.length; i += 200) {
      const ids = batch.slice(i, i + 200).map((s) => s.requestId);
      const rows = (await this.dataSource
        .getRepository(UserRequestCost)
        .createQueryBuilder('c')
        .select('c.requestId', 'requestId')
        .where('c.requestId IN (:...ids)', { ids })
        .getRawMany()) as Array<{ requestId: string }>;
      for (const row of rows) written.add(row.requestId);
    }
    for (const s of batch) if (written.has(s.requestId)) this.openHolds?.delete(s.requestId);
    return batch.filter((s) => !written.has(s.requestId));
  }

  private async write(all: Settlement[]): Promise<void> {
    let batch = all;
    for (let attempt = 1; ; attempt++) {
      try {
        batch = await this.notYetWritten(batch);
        if (batch.length === 0) return;
        const writes = this.plan(batch);
        const direct = this.sqliteDirect();
        if (direct) {
          await direct.whenIdle();
          this.applyDirect(direct, writes);
        } else await this.transactions.run((manager) => this.apply(manager, writes));
        for (const settlement of batch) this.openHolds?.delete(settlement.requestId);
        return;
      } catch (error) {
        for (const s of batch) this.uncertain.add(s);
        if (attempt >= 5) {
          this.logger.error(`settlement of ${batch.length} requests failed: ${(error as Error).message}`);
          this.queue.unshift(...batch);
          // Retried until it lands, but never after shutdown (the database is gone) and without keeping a process
          // alive that is otherwise done.
          if (!this.shutDown) {
            this.timer ??= setTimeout(() => void this.flush(), 1000);
            this.timer.unref();
          }
          return;
        }
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  }

  /** What a batch changes: quota deltas per key, user and channel, and the rows it adds. */
  private plan(batch: Settlement[]): BatchWrites {
    const tokens = new Map<number, { refund: number; used: number }>();
    const users = new Map<number, { refund: number; used: number; count: number }>();
    const channels = new Map<number, number>();
    for (const s of batch) {
      // Holds taken in Redis were settled there; the database gets their net change from the quota flush.
      const refund = s.holdStore === 'redis' ? 0 : s.reserved - s.quota;
      const t = tokens.get(s.tokenId) ?? { refund: 0, used: 0 };
      if (!s.unlimitedToken) t.refund += refund;
      t.used += s.quota;
      tokens.set(s.tokenId, t);
      const u = users.get(s.userId) ?? { refund: 0, used: 0, count: 0 };
      u.refund += refund;
      u.used += s.quota;
      u.count += 1;
      users.set(s.userId, u);
      if (s.channelId && s.quota > 0) channels.set(s.channelId, (channels.get(s.channelId) ?? 0) + s.quota);
    }
    const now = unixNow();
    return {
      now,
      tokens,
      users,
      channels,
      holds: batch
        .filter((s) => s.holdStore !== 'redis' && s.holdRecorded !== false && s.reserved > 0)
        .sort((x, y) => (x.requestId < y.requestId ? -1 : 1)),
      logs: batch.map((s) => ({
        userId: s.userId,
        createdAt: now,
        type: LogType.Consume,
        content: s.content,
        username: s.username,
        tokenName: s.tokenName,
        modelName: s.modelName,
        quota: s.quota,
        promptTokens: s.promptTokens,
        completionTokens: s.completionTokens,
        channelId: s.channelId ?? 0,
        requestId: s.requestId,
        elapsedTime: s.elapsedMs,
        isStream: s.isStream,
        systemPromptReset: s.systemPromptReset,
        tokenId: s.tokenId,
        originModelName: s.originModelName,
        traceId: s.traceId ?? '',
        cachedPromptTokens: s.cachedPromptTokens ?? 0,
        metadata: s.usageMetadata ?? null,
      })),
      costs: batch.map((s) => ({
        createdTime: now,
        userId: s.userId,
        requestId: s.requestId,
        quota: s.quota,
        createdAt: now,
        updatedAt: now,
      })),
    };
  }

  /** The embedded SQLite: one synchronous transaction of statements prepared once (nothing can interleave). */
  private applyDirect(direct: SqliteDirect, writes: BatchWrites): void {
    direct.transaction(() => {
      for (const hold of writes.holds)
        if (
          direct.run(RELEASE_HOLD, [hold.requestId]) === 0 &&
          direct.run(FORGET_REFUNDED_HOLD, [hold.requestId]) > 0
        )
          forfeit(writes, hold);
      for (const [id, t] of ascending(writes.tokens)) {
        if (t.refund === 0 && t.used === 0) continue;
        direct.run(SETTLE_TOKEN, [Math.trunc(t.refund), Math.trunc(t.used), writes.now, id]);
      }
      for (const [id, u] of ascending(writes.users))
        direct.run(SETTLE_USER, [Math.trunc(u.refund), Math.trunc(u.used), u.count, id]);
      for (const [id, used] of ascending(writes.channels)) direct.run(SETTLE_CHANNEL, [Math.trunc(used), id]);
      direct.insertAll(Log, writes.logs);
      direct.insertAll(UserRequestCost, writes.costs);
    });
  }

  private async apply(manager: EntityManager, writes: BatchWrites): Promise<void> {
    for (const hold of writes.holds)
      if (await holdWasRefunded(runnerOf(manager), hold.requestId)) forfeit(writes, hold);
    for (const [id, t] of ascending(writes.tokens)) {
      if (t.refund === 0 && t.used === 0) continue;
      await manager
        .createQueryBuilder()
        .update(Token)
        .set({
          remainQuota: () => `remain_quota + ${Math.trunc(t.refund)}`,
          usedQuota: () => `used_quota + ${Math.trunc(t.used)}`,
          accessedTime: writes.now,
        })
        .where('id = :id', { id })
        .execute();
    }
    for (const [id, u] of ascending(writes.users)) {
      await manager
        .createQueryBuilder()
        .update(User)
        .set({
          quota: () => `quota + ${Math.trunc(u.refund)}`,
          usedQuota: () => `used_quota + ${Math.trunc(u.used)}`,
          requestCount: () => `request_count + ${u.count}`,
        })
        .where('id = :id', { id })
        .execute();
    }
    for (const [id, used] of ascending(writes.channels)) {
      await manager
        .createQueryBuilder()
        .update(Channel)
        .set({ usedQuota: () => `used_quota + ${Math.trunc(used)}` })
        .where('id = :id', { id })
        .execute();
    }
    await manager.getRepository(Log).insert(writes.logs);
    await manager.getRepository(UserRequestCost).insert(writes.costs);
  }
}

interface BatchWrites {
  now: number;
  /** settlements whose hold is recorded in quota_holds: released in the same transaction */
  holds: Settlement[];
  tokens: Map<number, { refund: number; used: number }>;
  users: Map<number, { refund: number; used: number; count: number }>;
  channels: Map<number, number>;
  logs: Partial<Log>[];
  costs: Partial<UserRequestCost>[];
}

const SETTLE_TOKEN =
  'UPDATE tokens SET remain_quota = remain_quota + ?, used_quota = used_quota + ?, accessed_time = ? WHERE id = ?';
const SETTLE_USER =
  'UPDATE users SET quota = quota + ?, used_quota = used_quota + ?, request_count = request_count + ? WHERE id = ?';
const SETTLE_CHANNEL = 'UPDATE channels SET used_quota = used_quota + ? WHERE id = ?';

/**
 * Rows in ascending id order: every writer (holds, settlements, reconciliation) locks keys before users and each in
 * ascending order, so concurrent transactions of several gateway processes cannot deadlock.
 */
function ascending<V>(rows: Map<number, V>): Array<[number, V]> {
  return [...rows].sort((x, y) => x[0] - y[0]);
}

/**
 * The hold was already given back by the reconciler (it took this process for dead). The
 * settlement then charges the full price instead of refunding the difference, so the money stays exact.
 */
function forfeit(writes: BatchWrites, hold: Settlement): void {
  const t = writes.tokens.get(hold.tokenId);
  if (t && !hold.unlimitedToken) t.refund -= hold.reserved;
  const u = writes.users.get(hold.userId);
  if (u) u.refund -= hold.reserved;
}
