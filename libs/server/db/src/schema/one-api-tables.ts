/**
 * The original One API tables, column for column (see shared reference oneapi-upstream-schema.sqlite.sql).
 * One description feeds the DDL of all three engines, so a fresh database matches what One API's gorm
 * AutoMigrate creates, and an existing One API database is recognised as already complete.
 */
export type ColumnKind =
  | { kind: 'id' }
  | { kind: 'int' }
  | { kind: 'text' }
  | { kind: 'varchar'; size: number }
  | { kind: 'char'; size: number }
  | { kind: 'bool' }
  | { kind: 'real' };

export interface ColumnSpec {
  name: string;
  type: ColumnKind;
  default?: string | number | boolean;
  notNull?: boolean;
  /** Columns in an index become varchar(191) on MySQL (it cannot index TEXT), as gorm sizes them. */
  indexed?: boolean;
  /** Exact, case-sensitive comparison on MySQL (model names). */
  binary?: boolean;
}

export interface IndexSpec {
  name: string;
  columns: string[];
  unique?: boolean;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  primaryKey: string[];
  uniqueConstraints?: IndexSpec[];
  indexes: IndexSpec[];
}

const id: ColumnSpec = { name: 'id', type: { kind: 'id' } };
const int = (name: string, def?: number, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type: { kind: 'int' },
  ...(def === undefined ? {} : { default: def }),
  ...extra,
});
const text = (name: string, def?: string, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type: { kind: 'text' },
  ...(def === undefined ? {} : { default: def }),
  ...extra,
});
const varchar = (name: string, size: number, def?: string, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type: { kind: 'varchar', size },
  ...(def === undefined ? {} : { default: def }),
  ...extra,
});
const char = (name: string, size: number): ColumnSpec => ({ name, type: { kind: 'char', size } });
const bool = (name: string, def?: boolean): ColumnSpec => ({
  name,
  type: { kind: 'bool' },
  ...(def === undefined ? {} : { default: def }),
});

export const ONE_API_TABLES: TableSpec[] = [
  {
    name: 'channels',
    columns: [
      id,
      int('type', 0),
      text('key'),
      int('status', 1),
      text('name', undefined, { indexed: true }),
      int('weight', 0),
      int('created_time'),
      int('test_time'),
      int('response_time'),
      text('base_url', ''),
      text('other'),
      { name: 'balance', type: { kind: 'real' } },
      int('balance_updated_time'),
      text('models'),
      varchar('group', 32, 'default'),
      int('used_quota', 0),
      varchar('model_mapping', 1024, ''),
      int('priority', 0),
      text('config'),
      text('system_prompt'),
    ],
    primaryKey: ['id'],
    indexes: [{ name: 'idx_channels_name', columns: ['name'] }],
  },
  {
    name: 'tokens',
    columns: [
      id,
      int('user_id'),
      char('key', 48),
      int('status', 1),
      text('name', undefined, { indexed: true }),
      int('created_time'),
      int('accessed_time'),
      int('expired_time', -1),
      int('remain_quota', 0),
      bool('unlimited_quota', false),
      int('used_quota', 0),
      text('models'),
      text('subnet', ''),
    ],
    primaryKey: ['id'],
    indexes: [
      { name: 'idx_tokens_name', columns: ['name'] },
      { name: 'idx_tokens_key', columns: ['key'], unique: true },
    ],
  },
  {
    name: 'users',
    columns: [
      id,
      text('username', undefined, { indexed: true }),
      text('password', undefined, { notNull: true }),
      text('display_name', undefined, { indexed: true }),
      int('role', 1),
      int('status', 1),
      text('email', undefined, { indexed: true }),
      text('github_id', undefined, { indexed: true }),
      text('wechat_id', undefined, { indexed: true }),
      text('lark_id', undefined, { indexed: true }),
      text('oidc_id', undefined, { indexed: true }),
      char('access_token', 32),
      int('quota', 0),
      int('used_quota', 0),
      int('request_count', 0),
      varchar('group', 32, 'default'),
      varchar('aff_code', 32),
      int('inviter_id'),
    ],
    primaryKey: ['id'],
    uniqueConstraints: [{ name: 'uni_users_username', columns: ['username'], unique: true }],
    indexes: [
      { name: 'idx_users_git_hub_id', columns: ['github_id'] },
      { name: 'idx_users_aff_code', columns: ['aff_code'], unique: true },
      { name: 'idx_users_access_token', columns: ['access_token'], unique: true },
      { name: 'idx_users_username', columns: ['username'] },
      { name: 'idx_users_inviter_id', columns: ['inviter_id'] },
      { name: 'idx_users_oidc_id', columns: ['oidc_id'] },
      { name: 'idx_users_lark_id', columns: ['lark_id'] },
      { name: 'idx_users_we_chat_id', columns: ['wechat_id'] },
      { name: 'idx_users_email', columns: ['email'] },
      { name: 'idx_users_display_name', columns: ['display_name'] },
    ],
  },
  {
    name: 'options',
    columns: [text('key', undefined, { indexed: true }), text('value')],
    primaryKey: ['key'],
    indexes: [],
  },
  {
    name: 'redemptions',
    columns: [
      id,
      int('user_id'),
      char('key', 32),
      int('status', 1),
      text('name', undefined, { indexed: true }),
      int('quota', 100),
      int('created_time'),
      int('redeemed_time'),
    ],
    primaryKey: ['id'],
    indexes: [
      { name: 'idx_redemptions_key', columns: ['key'], unique: true },
      { name: 'idx_redemptions_name', columns: ['name'] },
    ],
  },
  {
    name: 'abilities',
    columns: [
      varchar('group', 32),
      text('model', undefined, { indexed: true, binary: true }),
      int('channel_id'),
      bool('enabled'),
      int('priority', 0),
    ],
    primaryKey: ['group', 'model', 'channel_id'],
    indexes: [
      { name: 'idx_abilities_priority', columns: ['priority'] },
      { name: 'idx_abilities_channel_id', columns: ['channel_id'] },
    ],
  },
  {
    name: 'logs',
    columns: [
      id,
      int('user_id'),
      int('created_at'),
      int('type'),
      text('content'),
      text('username', ''),
      text('token_name', '', { indexed: true }),
      text('model_name', '', { indexed: true }),
      int('quota', 0),
      int('prompt_tokens', 0),
      int('completion_tokens', 0),
      int('channel_id'),
      text('request_id', ''),
      int('elapsed_time', 0),
      bool('is_stream', false),
      bool('system_prompt_reset', false),
    ],
    primaryKey: ['id'],
    indexes: [
      { name: 'index_username_model_name', columns: ['model_name', 'username'] },
      { name: 'idx_created_at_type', columns: ['created_at', 'type'] },
      { name: 'idx_logs_user_id', columns: ['user_id'] },
      { name: 'idx_logs_channel_id', columns: ['channel_id'] },
      { name: 'idx_logs_model_name', columns: ['model_name'] },
      { name: 'idx_logs_token_name', columns: ['token_name'] },
    ],
  },
];
