import { TableSpec } from './one-api-tables';

/** One row per relayed request: its milestones (received, upstream sent, first byte, …) for the timeline view. */
export const TRACES_TABLE: TableSpec = {
  name: 'traces',
  columns: [
    { name: 'id', type: { kind: 'id' } },
    { name: 'trace_id', type: { kind: 'varchar', size: 64 } },
    { name: 'request_id', type: { kind: 'varchar', size: 64 }, default: '' },
    { name: 'user_id', type: { kind: 'int' }, default: 0 },
    { name: 'url', type: { kind: 'text' } },
    { name: 'method', type: { kind: 'varchar', size: 16 }, default: '' },
    { name: 'status', type: { kind: 'int' }, default: 0 },
    { name: 'body_size', type: { kind: 'int' }, default: 0 },
    { name: 'timestamps', type: { kind: 'text' } },
    { name: 'created_at', type: { kind: 'int' } },
    { name: 'updated_at', type: { kind: 'int' } },
  ],
  primaryKey: ['id'],
  indexes: [
    // A caller's trace (traceparent) may span several requests: one row per request.
    { name: 'idx_traces_request_id', columns: ['request_id'], unique: true },
    { name: 'idx_traces_trace_id', columns: ['trace_id'] },
    { name: 'idx_traces_created_at', columns: ['created_at'] },
  ],
};

/** The trace a log row belongs to (nullable, so One API can still write logs). */
export const LOGS_TRACE_EXTENSION: TableSpec = {
  name: 'logs',
  columns: [{ name: 'trace_id', type: { kind: 'varchar', size: 64 }, default: '' }],
  primaryKey: [],
  indexes: [{ name: 'idx_logs_trace_id', columns: ['trace_id'] }],
};

/** Batches of Redis quota changes already written to the database (makes the flush job idempotent). */
export const QUOTA_FLUSHES_TABLE: TableSpec = {
  name: 'quota_flushes',
  columns: [
    { name: 'id', type: { kind: 'id' } },
    { name: 'batch_id', type: { kind: 'varchar', size: 64 } },
    { name: 'entries', type: { kind: 'int' }, default: 0 },
    { name: 'created_at', type: { kind: 'int' } },
  ],
  primaryKey: ['id'],
  indexes: [
    { name: 'idx_quota_flushes_batch_id', columns: ['batch_id'], unique: true },
    { name: 'idx_quota_flushes_created_at', columns: ['created_at'] },
  ],
};
