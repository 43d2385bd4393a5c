import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EntityManager, QueryRunner } from 'typeorm';

/** Identifies this process as the owner of the holds it takes (see HoldReconciler). */
export const GATEWAY_INSTANCE_ID = `${hostname().slice(0, 20)}-${process.pid}-${randomUUID().slice(0, 8)}`;

/** Rewrites `?` placeholders to `$1…` on PostgreSQL. */
export function placeholders(sql: string, postgres: boolean): string {
  if (!postgres) return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function isPostgres(runner: QueryRunner): boolean {
  return runner.connection.options.type === 'postgres';
}

/** The query runner of a transaction's entity manager (always set inside `DataSource.transaction`). */
export function runnerOf(manager: EntityManager): QueryRunner {
  if (!manager.queryRunner) throw new Error('expected the entity manager of a transaction');
  return manager.queryRunner;
}

/** Runs a write on the runner (inside its transaction) and returns how many rows it changed. */
export async function affectedRows(runner: QueryRunner, sql: string, params: unknown[]): Promise<number> {
  const result = await runner.query(placeholders(sql, isPostgres(runner)), params, true);
  return Number(result.affected ?? 0);
}

export async function selectRows<T>(runner: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  return (await runner.query(placeholders(sql, isPostgres(runner)), params)) as T[];
}

/** Records a hold (request_id, owner, token_id, user_id, unlimited_token as 1/0, amount, created_at); run it in the
 * transaction that takes the quota, so a hold never exists without its record. */
export const RECORD_HOLD =
  'INSERT INTO quota_holds (request_id, owner, token_id, user_id, unlimited_token, amount, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)';

/** Releases a hold still held (the normal settlement). */
export const RELEASE_HOLD = 'DELETE FROM quota_holds WHERE request_id = ? AND refunded = 0';
/** Removes the record of a hold the reconciler already gave back. */
export const FORGET_REFUNDED_HOLD = 'DELETE FROM quota_holds WHERE request_id = ? AND refunded = 1';

/** Gives a hold's quota back to its key (unless unlimited) and its user, keys before users (lock order). */
export async function refundHold(
  runner: QueryRunner,
  hold: { tokenId: number; userId: number; unlimitedToken: boolean; amount: number },
): Promise<void> {
  if (!hold.unlimitedToken)
    await affectedRows(runner, 'UPDATE tokens SET remain_quota = remain_quota + ? WHERE id = ?', [
      hold.amount,
      hold.tokenId,
    ]);
  await affectedRows(runner, 'UPDATE users SET quota = quota + ? WHERE id = ?', [hold.amount, hold.userId]);
}

/**
 * Removes a hold's record in the settlement's transaction and says whether the reconciler had already given the held
 * quota back (its owner looked dead): then the settlement must charge the full price instead of the difference.
 * A hold taken without a record (no request id) is neither: `false`.
 */
export async function holdWasRefunded(runner: QueryRunner, requestId: string): Promise<boolean> {
  if ((await affectedRows(runner, RELEASE_HOLD, [requestId])) > 0) return false;
  return (await affectedRows(runner, FORGET_REFUNDED_HOLD, [requestId])) > 0;
}
