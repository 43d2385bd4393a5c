import { TableSpec } from './one-api-tables';

/**
 * Quota held in the database for a request still in flight, written in the same transaction as the hold itself and
 * deleted in the same transaction as the request's settlement. A row that outlives its owner process (crash) is
 * refunded by a surviving process and marked `refunded`: see HoldReconciler in libs/server/billing.
 */
export const QUOTA_HOLDS_TABLE: TableSpec = {
  name: 'quota_holds',
  columns: [
    { name: 'id', type: { kind: 'id' } },
    { name: 'request_id', type: { kind: 'varchar', size: 64 } },
    { name: 'owner', type: { kind: 'varchar', size: 64 } },
    { name: 'token_id', type: { kind: 'int' } },
    { name: 'user_id', type: { kind: 'int' } },
    { name: 'unlimited_token', type: { kind: 'bool' }, default: false },
    { name: 'amount', type: { kind: 'int' } },
    { name: 'created_at', type: { kind: 'int' } },
    // 1 once the reconciler gave the hold back: kept a day so a late settlement of it charges the full price.
    { name: 'refunded', type: { kind: 'int' }, default: 0 },
  ],
  primaryKey: ['id'],
  indexes: [
    { name: 'idx_quota_holds_request_id', columns: ['request_id'], unique: true },
    { name: 'idx_quota_holds_owner', columns: ['owner'] },
  ],
};

/** Every gateway process that may hold quota, with the last time it proved it is alive. */
export const GATEWAY_INSTANCES_TABLE: TableSpec = {
  name: 'gateway_instances',
  columns: [
    { name: 'id', type: { kind: 'varchar', size: 64 } },
    { name: 'heartbeat_at', type: { kind: 'int' } },
    { name: 'started_at', type: { kind: 'int' } },
  ],
  primaryKey: ['id'],
  indexes: [],
};
