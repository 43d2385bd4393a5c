import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@one-api/server-config';
import { unixNow } from '@one-api/server-common';
import { TransactionRunner } from '@one-api/server-db';
import { OpenHolds } from './open-holds';
import { affectedRows, GATEWAY_INSTANCE_ID, placeholders, refundHold, runnerOf } from './quota-hold-records';

interface OrphanedHold {
  id: number;
  request_id: string;
  token_id: number;
  user_id: number;
  unlimited_token: boolean | number;
  amount: number | string;
}

const MAX_PER_SWEEP = 500;

/**
 * Gives back quota held by gateway processes that died before settling (SIGKILL, OOM, power loss).
 *
 * Every process writes a heartbeat (`gateway_instances`) every quarter of QUOTA_RECONCILE_INTERVAL and sweeps every
 * quarter of it: a recorded hold (`quota_holds`) whose owner's heartbeat is older than half the interval (or whose
 * owner never wrote one) is marked refunded and given back in one transaction. The mark is conditional, so two
 * survivors sweeping at once refund it exactly once, and a late settlement of the same request (an owner that was
 * only slow) charges the full price instead of the difference: see SettlementWriter. Worst case from crash to refund: half an interval to look dead plus up to a
 * quarter for the next sweep, i.e. within one QUOTA_RECONCILE_INTERVAL.
 */
@Injectable()
export class HoldReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('HoldReconciler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly postgres: boolean;
  /** Holds refunded by this process since it started (tests and logs read it). */
  refunded = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    @Optional() private readonly config?: AppConfig,
    @Optional() private readonly openHolds?: OpenHolds,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  get intervalSeconds(): number {
    return this.config?.quotaReconcileInterval ?? 60;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.tick();
    const everyMs = Math.max(500, (this.intervalSeconds * 1000) / 4);
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One heartbeat and one sweep; never throws (a database outage only delays them). */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        await this.heartbeat();
        await this.sweep();
      } catch (error) {
        this.logger.warn(`quota hold reconciliation postponed: ${(error as Error).message}`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private sql(text: string): string {
    return placeholders(text, this.postgres);
  }

  private async heartbeat(): Promise<void> {
    const now = unixNow();
    const updated = await this.transactions.run((m) =>
      affectedRows(runnerOf(m), 'UPDATE gateway_instances SET heartbeat_at = ? WHERE id = ?', [
        now,
        GATEWAY_INSTANCE_ID,
      ]),
    );
    if (updated === 0)
      await this.transactions.run((m) =>
        affectedRows(
          runnerOf(m),
          'INSERT INTO gateway_instances (id, heartbeat_at, started_at) VALUES (?, ?, ?)',
          [GATEWAY_INSTANCE_ID, now, now],
        ),
      );
  }

  /** Refunds the holds of dead owners and this process's own forgotten ones; returns how many were refunded. */
  async sweep(): Promise<number> {
    const now = unixNow();
    const deadBefore = now - Math.ceil(this.intervalSeconds / 2);
    let refunded = 0;
    for (const hold of await this.ofDeadOwners(deadBefore))
      if (await this.refund(hold, 'of a gateway process that stopped without settling it')) refunded++;
    for (const hold of await this.forgottenOwnHolds(now - 2))
      if (await this.refund(hold, 'whose taking this process had reported as failed')) refunded++;
    this.refunded += refunded;
    // Refunded records only matter to a settlement that comes late; a day is far longer than any request.
    await this.dataSource.query(this.sql('DELETE FROM quota_holds WHERE refunded = 1 AND created_at < ?'), [
      now - 86_400,
    ]);
    return refunded;
  }

  /**
   * Holds of this process that no request is waiting to settle: their transaction committed although the driver
   * reported a failure (connection lost at COMMIT), so the request had given up on them.
   */
  private async forgottenOwnHolds(createdBefore: number): Promise<OrphanedHold[]> {
    if (!this.openHolds) return [];
    const own = (await this.dataSource.query(
      this.sql(
        `SELECT id, request_id, token_id, user_id, unlimited_token, amount FROM quota_holds
         WHERE refunded = 0 AND owner = ? AND created_at < ? ORDER BY id LIMIT ${MAX_PER_SWEEP}`,
      ),
      [GATEWAY_INSTANCE_ID, createdBefore],
    )) as OrphanedHold[];
    return own.filter((h) => !this.openHolds?.has(h.request_id));
  }

  private async ofDeadOwners(deadBefore: number): Promise<OrphanedHold[]> {
    return (await this.dataSource.query(
      this.sql(
        `SELECT h.id, h.request_id, h.token_id, h.user_id, h.unlimited_token, h.amount FROM quota_holds h
         LEFT JOIN gateway_instances g ON g.id = h.owner
         WHERE h.refunded = 0 AND h.owner <> ? AND h.created_at < ? AND (g.id IS NULL OR g.heartbeat_at < ?)
         ORDER BY h.id LIMIT ${MAX_PER_SWEEP}`,
      ),
      [GATEWAY_INSTANCE_ID, deadBefore, deadBefore],
    )) as OrphanedHold[];
  }

  /** Claims and refunds one hold in a transaction; false when another process or the settlement got there first. */
  private async refund(hold: OrphanedHold, why: string): Promise<boolean> {
    const amount = Number(hold.amount);
    const done = await this.transactions.run(async (m) => {
      const runner = runnerOf(m);
      const claimed = await affectedRows(
        runner,
        'UPDATE quota_holds SET refunded = 1 WHERE id = ? AND refunded = 0',
        [hold.id],
      );
      if (claimed === 0) return false;
      await refundHold(runner, {
        tokenId: Number(hold.token_id),
        userId: Number(hold.user_id),
        unlimitedToken: Boolean(Number(hold.unlimited_token)),
        amount,
      });
      return true;
    });
    if (done) this.logger.warn(`refunded ${amount} quota held by request ${hold.request_id} ${why}`);
    return done;
  }
}
