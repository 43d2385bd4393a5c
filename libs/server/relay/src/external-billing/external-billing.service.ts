import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LogType } from '@one-api/contracts';
import { ApiError, badRequest, notFound, unixNow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import {
  Log,
  Token,
  TokenTransaction,
  TokenTransactionStatus,
  TransactionRunner,
  User,
} from '@one-api/server-db';

/** What `POST /api/token/consume` accepts (the fork's field names). */
export interface ConsumeRequest {
  phase?: unknown;
  add_used_quota?: unknown;
  final_used_quota?: unknown;
  add_reason?: unknown;
  transaction_id?: unknown;
  timeout_seconds?: unknown;
  elapsed_time_ms?: unknown;
}

/** The key that calls: its id, owner and whether it has a quota of its own. */
export interface ConsumingKey {
  tokenId: number;
  tokenName: string;
  userId: number;
  username: string;
  unlimitedQuota: boolean;
}

const STATUS_NAMES: Record<number, string> = {
  [TokenTransactionStatus.Pending]: 'pending',
  [TokenTransactionStatus.Confirmed]: 'confirmed',
  [TokenTransactionStatus.AutoConfirmed]: 'auto_confirmed',
  [TokenTransactionStatus.Canceled]: 'canceled',
};

const PHASES = new Set(['pre', 'post', 'cancel', 'single']);

/**
 * The fork's external billing ledger: other systems spend a key's quota through the gateway, in one step (`single`)
 * or as a reservation (`pre`) later confirmed with the real amount (`post`) or released (`cancel`). A reservation
 * nobody settles is auto-confirmed at its reserved amount once it expires. Every quota move and its ledger row change
 * in one database transaction with conditional decrements, so concurrent calls never overdraw a key or a user and a
 * transaction is settled exactly once.
 */
@Injectable()
export class ExternalBillingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
  ) {}

  async consume(key: ConsumingKey, body: ConsumeRequest): Promise<{ transaction: TokenTransaction }> {
    await this.autoConfirmExpired();
    const phase =
      body.phase === undefined || body.phase === null || body.phase === '' ? 'single' : body.phase;
    if (typeof phase !== 'string' || !PHASES.has(phase))
      throw badRequest('phase must be one of pre, post, cancel, single');
    const reason = typeof body.add_reason === 'string' ? body.add_reason.slice(0, 1000) : '';
    const elapsed = optionalInt(body.elapsed_time_ms, 'elapsed_time_ms') ?? 0;
    if (phase === 'pre' || phase === 'single') {
      const amount = requiredQuota(body.add_used_quota, 'add_used_quota');
      return {
        transaction: await (phase === 'pre'
          ? this.pre(key, amount, reason, body)
          : this.single(key, amount, reason, elapsed)),
      };
    }
    if (typeof body.transaction_id !== 'string' || !body.transaction_id)
      throw badRequest('transaction_id is required for post and cancel');
    const id = body.transaction_id;
    if (phase === 'cancel') return { transaction: await this.cancel(key, id, reason) };
    const final =
      optionalInt(body.final_used_quota, 'final_used_quota') ??
      optionalInt(body.add_used_quota, 'add_used_quota');
    return { transaction: await this.post(key, id, final, reason, elapsed) };
  }

  private async pre(
    key: ConsumingKey,
    amount: number,
    reason: string,
    body: ConsumeRequest,
  ): Promise<TokenTransaction> {
    const requested =
      optionalInt(body.timeout_seconds, 'timeout_seconds') ?? this.config.externalBillingDefaultTimeout;
    const timeout = Math.min(Math.max(1, requested), this.config.externalBillingMaxTimeout);
    return this.transactions.run(async (m) => {
      await this.take(m, key, amount, 0);
      return this.insert(m, key, {
        status: TokenTransactionStatus.Pending,
        preQuota: amount,
        finalQuota: null,
        reason,
        expiresAt: unixNow() + timeout,
      });
    });
  }

  private single(
    key: ConsumingKey,
    amount: number,
    reason: string,
    elapsed: number,
  ): Promise<TokenTransaction> {
    return this.transactions.run(async (m) => {
      await this.take(m, key, amount, amount);
      const logId = await this.log(m, key, amount, reason, elapsed);
      return this.insert(m, key, {
        status: TokenTransactionStatus.Confirmed,
        preQuota: amount,
        finalQuota: amount,
        reason,
        confirmedAt: unixNow(),
        logId,
        elapsedTimeMs: elapsed,
      });
    });
  }

  private post(
    key: ConsumingKey,
    transactionId: string,
    final: number | undefined,
    reason: string,
    elapsed: number,
  ): Promise<TokenTransaction> {
    return this.transactions.run(async (m) => {
      const txn = await this.pending(m, key, transactionId);
      const amount = final ?? Number(txn.preQuota);
      if (amount < 0) throw badRequest('final_used_quota must not be negative');
      const delta = amount - Number(txn.preQuota);
      // The reservation already left the balances; only the difference moves now, plus the usage counters.
      if (delta > 0) await this.take(m, key, delta, amount);
      else await this.give(m, key, -delta, amount);
      const logId = await this.log(m, key, amount, reason || txn.reason || '', elapsed);
      await this.finish(m, txn, {
        status: TokenTransactionStatus.Confirmed,
        finalQuota: amount,
        confirmedAt: unixNow(),
        logId,
        ...(reason ? { reason } : {}),
        ...(elapsed > 0 ? { elapsedTimeMs: elapsed } : {}),
      });
      return m.findOneByOrFail(TokenTransaction, { id: txn.id });
    });
  }

  private cancel(key: ConsumingKey, transactionId: string, reason: string): Promise<TokenTransaction> {
    return this.transactions.run(async (m) => {
      const txn = await this.pending(m, key, transactionId);
      await this.give(m, key, Number(txn.preQuota), 0);
      await this.finish(m, txn, {
        status: TokenTransactionStatus.Canceled,
        canceledAt: unixNow(),
        ...(reason ? { reason } : {}),
      });
      return m.findOneByOrFail(TokenTransaction, { id: txn.id });
    });
  }

  /** Confirms, at their reserved amount, the reservations whose time ran out (the fork does it on every consume). */
  async autoConfirmExpired(): Promise<number> {
    const expired = await this.dataSource.getRepository(TokenTransaction).find({
      where: { status: TokenTransactionStatus.Pending },
      order: { id: 'ASC' },
      take: 100,
    });
    const now = unixNow();
    let confirmed = 0;
    for (const txn of expired.filter((t) => Number(t.expiresAt) > 0 && Number(t.expiresAt) <= now)) {
      await this.transactions.run(async (m) => {
        const claimed = await this.claim(m, txn.id);
        if (!claimed) return;
        const key = await this.keyOf(m, txn);
        const amount = Number(txn.preQuota);
        await this.give(m, key, 0, amount);
        const logId = await this.log(m, key, amount, `auto-confirmed: ${txn.reason ?? ''}`, 0);
        await m.update(
          TokenTransaction,
          { id: txn.id },
          {
            status: TokenTransactionStatus.AutoConfirmed,
            autoConfirmed: true,
            finalQuota: amount,
            confirmedAt: now,
            expiresAt: 0,
            logId,
            updatedAt: Date.now(),
          },
        );
        confirmed++;
      });
    }
    return confirmed;
  }

  async balance(
    tokenId: number,
  ): Promise<{ remain_quota: number; used_quota: number; unlimited_quota: boolean }> {
    const token = await this.dataSource.getRepository(Token).findOneBy({ id: tokenId });
    if (!token) throw notFound('token not found');
    return {
      remain_quota: Number(token.remainQuota),
      used_quota: Number(token.usedQuota),
      unlimited_quota: !!token.unlimitedQuota,
    };
  }

  /** The key's transactions, newest first, within the last TOKEN_TRANSACTIONS_MAX_HISTORY. */
  async list(tokenId: number, skip: number, size: number): Promise<[TokenTransaction[], number]> {
    await this.autoConfirmExpired();
    const max = this.config.tokenTransactionsMaxHistory;
    const take = Math.max(0, Math.min(size, max - skip));
    const repo = this.dataSource.getRepository(TokenTransaction);
    const [rows, total] = await Promise.all([
      take > 0 ? repo.find({ where: { tokenId }, order: { id: 'DESC' }, skip, take }) : Promise.resolve([]),
      repo.countBy({ tokenId }),
    ]);
    return [rows, Math.min(total, max)];
  }

  /** The key's consume logs, newest first (the fork's /api/token/logs). */
  logs(tokenId: number, skip: number, size: number): Promise<[Log[], number]> {
    return this.dataSource.getRepository(Log).findAndCount({
      where: { tokenId, type: LogType.Consume },
      order: { id: 'DESC' },
      skip,
      take: size,
    });
  }

  private async pending(
    m: EntityManager,
    key: ConsumingKey,
    transactionId: string,
  ): Promise<TokenTransaction> {
    const txn = await m.findOneBy(TokenTransaction, { tokenId: key.tokenId, transactionId });
    if (!txn) throw notFound(`transaction ${transactionId} not found`);
    if (txn.status !== TokenTransactionStatus.Pending || !(await this.claim(m, txn.id)))
      throw badRequest(`transaction ${transactionId} is already ${STATUS_NAMES[txn.status] ?? txn.status}`);
    return txn;
  }

  /**
   * Takes the row out of "pending" before anything else moves: a concurrent post, cancel or auto-confirm of the same
   * transaction finds nothing to claim (its conditional update changes no row) and does nothing.
   */
  private async claim(m: EntityManager, id: number): Promise<boolean> {
    const result = await m
      .createQueryBuilder()
      .update(TokenTransaction)
      .set({ status: TokenTransactionStatus.Confirmed, updatedAt: Date.now() })
      .where('id = :id AND status = :pending', { id, pending: TokenTransactionStatus.Pending })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Takes `amount` from the key (unless unlimited) and the user, only if both hold it; counts `used` as spent. */
  private async take(m: EntityManager, key: ConsumingKey, amount: number, used: number): Promise<void> {
    if (!key.unlimitedQuota) {
      const token = await m
        .createQueryBuilder()
        .update(Token)
        .set({ remainQuota: () => `remain_quota - ${amount}`, usedQuota: () => `used_quota + ${used}` })
        .where('id = :id AND remain_quota >= :amount', { id: key.tokenId, amount })
        .execute();
      if (!token.affected) throw new ApiError('The API key has run out of quota', 400);
    } else if (used > 0) {
      await m.increment(Token, { id: key.tokenId }, 'usedQuota', used);
    }
    const user = await m
      .createQueryBuilder()
      .update(User)
      .set({
        quota: () => `quota - ${amount}`,
        usedQuota: () => `used_quota + ${used}`,
        ...(used > 0 ? { requestCount: () => 'request_count + 1' } : {}),
      })
      .where('id = :id AND quota >= :amount', { id: key.userId, amount })
      .execute();
    // Thrown inside the transaction: the key's decrement above is rolled back with it.
    if (!user.affected) throw new ApiError('Your account has run out of quota', 400);
  }

  /** Gives `amount` back to the key (unless unlimited) and the user; counts `used` as spent. */
  private async give(m: EntityManager, key: ConsumingKey, amount: number, used: number): Promise<void> {
    await m
      .createQueryBuilder()
      .update(Token)
      .set({
        ...(key.unlimitedQuota ? {} : { remainQuota: () => `remain_quota + ${amount}` }),
        usedQuota: () => `used_quota + ${used}`,
      })
      .where('id = :id', { id: key.tokenId })
      .execute();
    await m
      .createQueryBuilder()
      .update(User)
      .set({
        quota: () => `quota + ${amount}`,
        usedQuota: () => `used_quota + ${used}`,
        ...(used > 0 ? { requestCount: () => 'request_count + 1' } : {}),
      })
      .where('id = :id', { id: key.userId })
      .execute();
  }

  private async log(
    m: EntityManager,
    key: ConsumingKey,
    quota: number,
    reason: string,
    elapsed: number,
  ): Promise<number> {
    const result = await m.insert(Log, {
      userId: key.userId,
      createdAt: unixNow(),
      type: LogType.Consume,
      content: `External billing${reason ? `: ${reason}` : ''}`.slice(0, 2000),
      username: key.username,
      tokenName: key.tokenName,
      modelName: '',
      quota,
      promptTokens: 0,
      completionTokens: 0,
      channelId: 0,
      requestId: '',
      elapsedTime: elapsed,
      isStream: false,
      systemPromptReset: false,
      tokenId: key.tokenId,
      originModelName: '',
    });
    return Number(result.identifiers[0]?.id ?? 0);
  }

  private async insert(
    m: EntityManager,
    key: ConsumingKey,
    fields: Partial<TokenTransaction>,
  ): Promise<TokenTransaction> {
    const now = Date.now();
    const row: Partial<TokenTransaction> = {
      uuid: randomUUID(),
      transactionId: randomUUID(),
      tokenId: key.tokenId,
      userId: key.userId,
      requestId: '',
      traceId: '',
      expiresAt: 0,
      autoConfirmed: false,
      elapsedTimeMs: 0,
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
    const result = await m.insert(TokenTransaction, row);
    return m.findOneByOrFail(TokenTransaction, { id: Number(result.identifiers[0]?.id) });
  }

  private async finish(
    m: EntityManager,
    txn: TokenTransaction,
    fields: Partial<TokenTransaction>,
  ): Promise<void> {
    await m.update(TokenTransaction, { id: txn.id }, { expiresAt: 0, ...fields, updatedAt: Date.now() });
  }

  private async keyOf(m: EntityManager, txn: TokenTransaction): Promise<ConsumingKey> {
    const token = await m.findOneBy(Token, { id: txn.tokenId });
    const user = await m.findOneBy(User, { id: txn.userId });
    return {
      tokenId: Number(txn.tokenId),
      tokenName: token?.name ?? '',
      userId: Number(txn.userId),
      username: user?.username ?? '',
      unlimitedQuota: !!token?.unlimitedQuota,
    };
  }
}

/** A transaction as the fork's consume response shows it (`status` by name, `status_code` by number). */
export function transactionView(t: TokenTransaction) {
  return {
    id: Number(t.id),
    uuid: t.uuid ?? '',
    transaction_id: t.transactionId,
    token_id: Number(t.tokenId),
    user_id: Number(t.userId),
    status: STATUS_NAMES[t.status] ?? String(t.status),
    status_code: Number(t.status),
    pre_quota: Number(t.preQuota),
    final_quota: t.finalQuota === null || t.finalQuota === undefined ? null : Number(t.finalQuota),
    reason: t.reason ?? '',
    request_id: t.requestId ?? '',
    trace_id: t.traceId ?? '',
    expires_at: Number(t.expiresAt),
    confirmed_at: t.confirmedAt === null || t.confirmedAt === undefined ? null : Number(t.confirmedAt),
    canceled_at: t.canceledAt === null || t.canceledAt === undefined ? null : Number(t.canceledAt),
    auto_confirmed: !!t.autoConfirmed,
    log_id: t.logId === null || t.logId === undefined ? null : Number(t.logId),
    elapsed_time_ms: Number(t.elapsedTimeMs ?? 0),
    created_at: Number(t.createdAt),
    updated_at: Number(t.updatedAt),
  };
}

function requiredQuota(value: unknown, name: string): number {
  const n = optionalInt(value, name);
  if (n === undefined || n <= 0) throw badRequest(`${name} must be a positive integer`);
  return n;
}

function optionalInt(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw badRequest(`${name} must be a non-negative integer`);
  return value;
}
