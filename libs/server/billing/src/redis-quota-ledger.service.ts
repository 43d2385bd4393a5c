import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeBus, unixNow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { Token, TransactionRunner, User } from '@one-api/server-db';
import { JobQueue, JobRegistry } from '@one-api/server-queue';
import { RedisService } from '@one-api/server-redis';
import type { QuotaHolder } from './quota-reservation.service';

/** Result codes of the reserve script. */
const OK = 1;
const TOKEN_MISSING = -1;
const USER_MISSING = -2;
const TOKEN_SHORT = -3;
const USER_SHORT = -4;

// KEYS: token balance, user balance, pending hash. ARGV: amount, check token (1/0), token id, user id.
const RESERVE = `
local amt = tonumber(ARGV[1])
local t = nil
if ARGV[2] == '1' then
  t = redis.call('GET', KEYS[1])
  if not t then return ${TOKEN_MISSING} end
end
local u = redis.call('GET', KEYS[2])
if not u then return ${USER_MISSING} end
if t and tonumber(t) < amt then return ${TOKEN_SHORT} end
if tonumber(u) < amt then return ${USER_SHORT} end
if t then
  redis.call('DECRBY', KEYS[1], amt)
  redis.call('HINCRBY', KEYS[3], 't:' .. ARGV[3], -amt)
end
redis.call('DECRBY', KEYS[2], amt)
redis.call('HINCRBY', KEYS[3], 'u:' .. ARGV[4], -amt)
return ${OK}`;

// KEYS: balance key, pending hash, flushing hash, epoch. ARGV: database value, field, epoch seen, ttl seconds.
// Balance = database value + changes not yet in the database; refused when a flush finished meanwhile.
const LOAD = `
local epoch = redis.call('GET', KEYS[4]) or '0'
if epoch ~= ARGV[3] then return 0 end
local v = tonumber(ARGV[1]) + tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') + tonumber(redis.call('HGET', KEYS[3], ARGV[2]) or '0')
redis.call('SET', KEYS[1], v, 'EX', tonumber(ARGV[4]), 'NX')
return 1`;

// KEYS: balance key, pending hash. ARGV: delta, field.
const ADJUST = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[1]) end
redis.call('HINCRBY', KEYS[2], ARGV[2], ARGV[1])
return 1`;

// KEYS: pending, flushing, batch id key. ARGV: new batch id. Resumes an unfinished batch first.
const TAKE = `
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('SET', KEYS[3], ARGV[1])
end
local id = redis.call('GET', KEYS[3])
if not id then id = ARGV[1]; redis.call('SET', KEYS[3], id) end
local out = {id}
for _, v in ipairs(redis.call('HGETALL', KEYS[2])) do table.insert(out, v) end
return out`;

// KEYS: flushing, batch id key, epoch.
const DONE = `
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('INCR', KEYS[3])
return 1`;

const BALANCE_TTL_SECONDS = 300;

/**
 * Quota holds in Redis (BATCH_UPDATE_ENABLED with Redis): each key's and user's balance is mirrored in Redis and a
 * hold is one atomic script (check both, take both), so replicas never over-spend and the database sees no write
 * per request. The net change per key and user accumulates in a `pending` hash that the `quota-flush` job writes
 * to the database every BATCH_UPDATE_INTERVAL seconds; a batch is recorded in `quota_flushes` in the same
 * transaction, so a flush interrupted by a crash is resumed and never applied twice. While Redis is unreachable
 * holds go to the database as without Redis.
 */
@Injectable()
export class RedisQuotaLedger implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('QuotaLedger');
  readonly configured: boolean;
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly bus: ChangeBus,
    private readonly registry: JobRegistry,
    private readonly queue: JobQueue,
    private readonly transactions: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.configured = config.batchUpdateEnabled && redis.enabled;
  }

  /** Holds go to Redis right now. */
  get active(): boolean {
    return this.configured && this.redis.available;
  }

  private k(name: string): string {
    return this.redis.key(`q:${name}`);
  }

  onModuleInit(): void {
    this.registry.register('quota-flush', async () => {
      await this.flush();
    });
    if (!this.configured) return;
    // Admin edits (top-up, key quota) change database values: reload those balances from the database.
    this.stops.push(
      this.bus.subscribe('tokens', (e) => void this.forget('t', e.ids)),
      this.bus.subscribe('users', (e) => void this.forget('u', e.ids)),
    );
    // Holds went to the database while Redis was away: every mirrored balance is stale.
    this.redis.onReconnect(() => void this.forget('t').then(() => this.forget('u')));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.configured || this.config.nodeType === 'slave') return;
    try {
      await this.queue.schedule('quota-flush', this.config.batchUpdateInterval * 1000, {});
    } catch (error) {
      this.logger.warn(`could not schedule the quota flush: ${(error as Error).message}`);
    }
  }

  onModuleDestroy(): void {
    this.stops.forEach((stop) => stop());
  }

  private async forget(kind: 't' | 'u', ids?: Array<number | string>): Promise<void> {
    await this.redis.attempt(async (r) => {
      if (ids) {
        if (ids.length) await r.del(...ids.map((id) => this.k(`${kind}:${id}`)));
        return;
      }
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', this.k(`${kind}:*`), 'COUNT', 500);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== '0');
    });
  }

  /**
   * Takes `amount` from the key (unless unlimited) and the user in Redis. Returns 'ok', which holder is short, or
   * undefined when Redis could not be used (the caller then holds in the database).
   */
  async reserve(holder: QuotaHolder, amount: number): Promise<'ok' | 'token' | 'user' | undefined> {
    if (!this.active) return undefined;
    for (let i = 0; i < 5; i++) {
      const result = await this.redis.attempt(
        (r) =>
          r.eval(
            RESERVE,
            3,
            this.k(`t:${holder.tokenId}`),
            this.k(`u:${holder.userId}`),
            this.k('pending'),
            amount,
            holder.unlimitedToken ? '0' : '1',
            holder.tokenId,
            holder.userId,
          ) as Promise<number>,
      );
      if (result === undefined) return undefined;
      if (result === OK) return 'ok';
      if (result === TOKEN_SHORT) return 'token';
      if (result === USER_SHORT) return 'user';
      const loaded =
        result === TOKEN_MISSING ? await this.load('t', holder.tokenId) : await this.load('u', holder.userId);
      if (!loaded) return undefined;
    }
    return undefined;
  }

  /** Gives back (positive) or takes more (negative) after the request settled. False when Redis is unusable. */
  async adjust(holder: QuotaHolder, delta: number): Promise<boolean> {
    if (delta === 0) return true;
    const ops: Array<Promise<unknown>> = [];
    const run = (kind: 't' | 'u', id: number) =>
      this.redis.attempt((r) =>
        r.eval(ADJUST, 2, this.k(`${kind}:${id}`), this.k('pending'), delta, `${kind}:${id}`),
      );
    if (!holder.unlimitedToken) ops.push(run('t', holder.tokenId));
    ops.push(run('u', holder.userId));
    const results = await Promise.all(ops);
    return results.every((r) => r !== undefined);
  }

  /** Mirrors a balance from the database into Redis (plus changes not flushed yet). */
  private async load(kind: 't' | 'u', id: number): Promise<boolean> {
    for (let i = 0; i < 3; i++) {
      const epoch = (await this.redis.attempt((r) => r.get(this.k('epoch')))) ?? '0';
      const value =
        kind === 't'
          ? (
              await this.dataSource
                .getRepository(Token)
                .findOne({ select: { remainQuota: true }, where: { id } })
            )?.remainQuota
          : (await this.dataSource.getRepository(User).findOne({ select: { quota: true }, where: { id } }))
              ?.quota;
      if (value === undefined) return false;
      const done = await this.redis.attempt(
        (r) =>
          r.eval(
            LOAD,
            4,
            this.k(`${kind}:${id}`),
            this.k('pending'),
            this.k('flushing'),
            this.k('epoch'),
            Math.trunc(Number(value)),
            `${kind}:${id}`,
            epoch,
            BALANCE_TTL_SECONDS,
          ) as Promise<number>,
      );
      if (done === undefined) return false;
      if (done === 1) return true;
    }
    return false;
  }

  /** Writes the pending changes to the database once (the `quota-flush` job); returns how many holders moved. */
  async flush(): Promise<number> {
    if (!this.configured) return 0;
    const taken = await this.redis.attempt(
      (r) =>
        r.eval(
          TAKE,
          3,
          this.k('pending'),
          this.k('flushing'),
          this.k('flushing:id'),
          randomUUID(),
        ) as Promise<string[]>,
    );
    if (!taken || taken.length === 0) return 0;
    const [batchId, ...pairs] = taken;
    const tokens = new Map<number, number>();
    const users = new Map<number, number>();
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const [kind, id] = pairs[i].split(':');
      const delta = Number.parseInt(pairs[i + 1], 10);
      if (!delta) continue;
      (kind === 't' ? tokens : users).set(Number(id), delta);
    }
    await this.transactions.run(async (manager) => {
      const seen = (await manager
        .createQueryBuilder()
        .select('f.id', 'id')
        .from('quota_flushes', 'f')
        .where('f.batch_id = :batchId', { batchId })
        .getRawMany()) as unknown[];
      if (seen.length > 0) return;
      await manager
        .createQueryBuilder()
        .insert()
        .into('quota_flushes', ['batch_id', 'entries', 'created_at'])
        .values({ batch_id: batchId, entries: tokens.size + users.size, created_at: unixNow() })
        .execute();
      for (const [id, delta] of tokens)
        await manager
          .createQueryBuilder()
          .update(Token)
          .set({ remainQuota: () => `remain_quota + ${Math.trunc(delta)}` })
          .where('id = :id', { id })
          .execute();
      for (const [id, delta] of users)
        await manager
          .createQueryBuilder()
          .update(User)
          .set({ quota: () => `quota + ${Math.trunc(delta)}` })
          .where('id = :id', { id })
          .execute();
    });
    await this.redis.attempt((r) =>
      r.eval(DONE, 3, this.k('flushing'), this.k('flushing:id'), this.k('epoch')),
    );
    return tokens.size + users.size;
  }
}
