import { TableSpec } from './one-api-tables';

/** The fork's per-channel prices: JSON map model → { ratio, completion_ratio, cached_input_ratio, … }. */
export const CHANNELS_MODEL_CONFIGS_EXTENSION: TableSpec = {
  name: 'channels',
  columns: [{ name: 'model_configs', type: { kind: 'text' } }],
  primaryKey: [],
  indexes: [],
};

/** The fork's log columns: cached prompt tokens, and JSON metadata (cache writes, reasoning tokens). */
export const LOGS_USAGE_EXTENSION: TableSpec = {
  name: 'logs',
  columns: [
    { name: 'cached_prompt_tokens', type: { kind: 'int' }, default: 0 },
    { name: 'metadata', type: { kind: 'text' } },
  ],
  primaryKey: [],
  indexes: [{ name: 'idx_logs_cached_prompt_tokens', columns: ['cached_prompt_tokens'] }],
};

/**
 * The fork's external-billing ledger (POST /api/token/consume): one row per reservation, confirmed, canceled or
 * auto-confirmed later. Column names as the fork's; `transaction_id` is unique per key (`uidx_token_txn`).
 * created_at / updated_at are milliseconds, the other times Unix seconds, as in the fork.
 */
export const TOKEN_TRANSACTIONS_TABLE: TableSpec = {
  name: 'token_transactions',
  columns: [
    { name: 'id', type: { kind: 'id' } },
    { name: 'uuid', type: { kind: 'char', size: 36 } },
    { name: 'transaction_id', type: { kind: 'varchar', size: 64 }, notNull: true },
    { name: 'token_id', type: { kind: 'int' }, notNull: true },
    { name: 'token_uuid', type: { kind: 'char', size: 36 } },
    { name: 'user_id', type: { kind: 'int' }, notNull: true },
    { name: 'user_uuid', type: { kind: 'char', size: 36 } },
    { name: 'status', type: { kind: 'int' }, default: 1 },
    { name: 'pre_quota', type: { kind: 'int' }, default: 0 },
    { name: 'final_quota', type: { kind: 'int' } },
    { name: 'reason', type: { kind: 'text' } },
    { name: 'request_id', type: { kind: 'varchar', size: 64 }, default: '' },
    { name: 'trace_id', type: { kind: 'varchar', size: 64 }, default: '' },
    { name: 'expires_at', type: { kind: 'int' }, default: 0 },
    { name: 'confirmed_at', type: { kind: 'int' } },
    { name: 'canceled_at', type: { kind: 'int' } },
    { name: 'auto_confirmed', type: { kind: 'bool' }, default: false },
    { name: 'log_id', type: { kind: 'int' } },
    { name: 'log_uuid', type: { kind: 'char', size: 36 } },
    { name: 'elapsed_time_ms', type: { kind: 'int' }, default: 0 },
    { name: 'created_at', type: { kind: 'int' } },
    { name: 'updated_at', type: { kind: 'int' } },
  ],
  primaryKey: ['id'],
  indexes: [
    { name: 'uidx_token_txn', columns: ['token_id', 'transaction_id'], unique: true },
    { name: 'idx_token_transactions_uuid', columns: ['uuid'], unique: true },
    { name: 'idx_token_transactions_user_id', columns: ['user_id'] },
    // The auto-confirm sweep looks for pending rows past their expiry.
    { name: 'idx_token_transactions_status_expires', columns: ['status', 'expires_at'] },
  ],
};
