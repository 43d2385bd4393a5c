import { TableSpec } from './one-api-tables';

/** Tables and columns this gateway adds to One API's schema (nullable or defaulted, so One API can still read the rest). */
export const REQUEST_COSTS_TABLE: TableSpec = {
  name: 'user_request_costs',
  columns: [
    { name: 'id', type: { kind: 'id' } },
    { name: 'created_time', type: { kind: 'int' } },
    { name: 'user_id', type: { kind: 'int' } },
    { name: 'request_id', type: { kind: 'varchar', size: 64 } },
    { name: 'quota', type: { kind: 'int' }, default: 0 },
    { name: 'created_at', type: { kind: 'int' } },
    { name: 'updated_at', type: { kind: 'int' } },
  ],
  primaryKey: ['id'],
  indexes: [
    { name: 'idx_user_request_costs_request_id', columns: ['request_id'], unique: true },
    { name: 'idx_user_request_costs_user_id', columns: ['user_id'] },
  ],
};

/** Extra log columns: the key that paid (names are not unique) and the model the caller asked for before mapping. */
export const LOGS_EXTENSION: TableSpec = {
  name: 'logs',
  columns: [
    { name: 'token_id', type: { kind: 'int' }, default: 0 },
    { name: 'origin_model_name', type: { kind: 'text' }, default: '' },
  ],
  primaryKey: [],
  indexes: [{ name: 'idx_logs_token_id', columns: ['token_id'] }],
};

/** Email verification codes and password-reset tokens (hashed), one live row per purpose and address. */
export const VERIFICATION_CODES_TABLE: TableSpec = {
  name: 'verification_codes',
  columns: [
    { name: 'id', type: { kind: 'id' } },
    { name: 'purpose', type: { kind: 'varchar', size: 16 }, notNull: true },
    { name: 'target', type: { kind: 'varchar', size: 191 }, notNull: true },
    { name: 'code_hash', type: { kind: 'varchar', size: 64 }, notNull: true },
    { name: 'attempts', type: { kind: 'int' }, default: 0 },
    { name: 'created_at', type: { kind: 'int' } },
    { name: 'expires_at', type: { kind: 'int' } },
  ],
  primaryKey: ['id'],
  indexes: [{ name: 'idx_verification_codes_purpose_target', columns: ['purpose', 'target'] }],
};

/** The fork's `users.totp_secret` (base32 TOTP secret, empty or NULL = two-factor off). */
export const USERS_TOTP_EXTENSION: TableSpec = {
  name: 'users',
  columns: [{ name: 'totp_secret', type: { kind: 'varchar', size: 64 } }],
  primaryKey: [],
  indexes: [],
};
