/**
 * Request bodies and the less common answer shapes of One API's management API, as the admin app sends and reads
 * them. Field names are One API's (snake_case). Pure types: no framework.
 */
import type { StatusDto } from './management';

/** What POST /api/user/login returns in `data` (One API fills only these fields). */
export interface LoginUserDto {
  id: number;
  username: string;
  display_name: string;
  role: number;
  status: number;
  group?: string;
  /** root still has the seeded password and must change it before anything else */
  password_change_required?: boolean;
}

/** GET /api/status with the optional keys One API also sends. */
export interface SiteStatusDto extends StatusDto {
  lark_client_id?: string;
  wechat_qrcode?: string;
  wechat_login?: boolean;
  turnstile_check?: boolean;
  turnstile_site_key?: string;
  top_up_link?: string;
  chat_link?: string;
  oidc_client_id?: string;
  oidc_well_known?: string;
  oidc_authorization_endpoint?: string;
  oidc_token_endpoint?: string;
  oidc_userinfo_endpoint?: string;
}

/** One row of GET /api/user/dashboard (One API's struct has no JSON tags, hence PascalCase). */
export interface DashboardRowDto {
  Day: string;
  ModelName: string;
  RequestCount: number;
  Quota: number;
  PromptTokens: number;
  CompletionTokens: number;
}

export interface RegisterRequest {
  username: string;
  password: string;
  email?: string;
  verification_code?: string;
  aff_code?: string;
}

export interface UpdateSelfRequest {
  username?: string;
  display_name?: string;
  /** "" keeps the current password */
  password?: string;
}

export interface CreateUserRequest {
  username: string;
  password: string;
  display_name?: string;
  email?: string;
  role?: number;
  quota?: number;
  group?: string;
}

export interface UpdateUserRequest {
  id: number;
  username?: string;
  display_name?: string;
  /** "" keeps the current password */
  password?: string;
  email?: string;
  quota?: number;
  group?: string;
  role?: number;
}

export type ManageUserAction = 'disable' | 'enable' | 'delete' | 'promote' | 'demote';

export interface ManageUserRequest {
  username: string;
  action: ManageUserAction;
}

export interface AdminTopUpRequest {
  user_id: number;
  quota: number;
  remark?: string;
}

export interface TokenFields {
  name: string;
  /** Unix seconds; -1 = never */
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  /** comma list of allowed models; "" or null = every model */
  models: string | null;
  /** comma list of CIDR blocks; "" = anywhere */
  subnet: string;
}

export type CreateTokenRequest = TokenFields;
export type UpdateTokenRequest = Partial<TokenFields> & { id: number; status?: number };

/** The `config` JSON of a channel (One API's ChannelConfig plus the fork's auth_type / api_format). */
export interface ChannelConfig {
  region?: string;
  sk?: string;
  ak?: string;
  user_id?: string;
  api_version?: string;
  library_id?: string;
  plugin?: string;
  vertex_ai_project_id?: string;
  vertex_ai_adc?: string;
  auth_type?: string;
  api_format?: string;
}

export interface ChannelFields {
  type: number;
  name: string;
  /** upstream credential; on create one channel per non-empty line, on update "" keeps the stored key */
  key: string;
  base_url: string;
  other: string;
  models: string;
  group: string;
  /** "" or a JSON object of requested model → upstream model */
  model_mapping: string;
  priority: number;
  weight: number;
  /** JSON string of ChannelConfig, or "" */
  config: string;
  system_prompt: string;
  status?: number;
  /** The fork's per-model prices (JSON map model → config, as an object or its JSON text); "" clears. */
  model_configs?: string;
}

export type CreateChannelRequest = ChannelFields;
export type UpdateChannelRequest = Partial<ChannelFields> & { id: number };

/** GET /api/channel/test/:id: a flat answer (no `data`); `message` is the reply text or the error. */
export interface ChannelTestResult {
  success: boolean;
  message: string;
  /** seconds */
  time: number;
  modelName?: string;
}

/** GET /api/channel/update_balance/:id: a flat answer (no `data`). */
export interface ChannelBalanceResult {
  success: boolean;
  message: string;
  balance: number;
}

export interface CreateRedemptionRequest {
  name: string;
  quota: number;
  count: number;
}

export interface UpdateRedemptionRequest {
  id: number;
  name?: string;
  quota?: number;
  status?: number;
}

/** GET /api/log/stat and /api/log/self/stat. */
export interface LogStatDto {
  quota: number;
}

/** Query of GET /api/log/ (admins) and /api/log/self; 0 / "" / omitted = any. */
export interface LogQuery {
  p?: number;
  size?: number;
  type?: number;
  start_timestamp?: number;
  end_timestamp?: number;
  username?: string;
  token_name?: string;
  model_name?: string;
  channel?: number;
}

/** POST /api/user/login body; `totp_code` when the account has two-factor sign-in. */
export interface LoginRequest {
  username: string;
  password: string;
  totp_code?: string;
}

/** GET /api/user/totp/setup: the new secret and its otpauth:// URI (confirmed by POST /api/user/totp/confirm). */
export interface TotpSetupDto {
  secret: string;
  qr_code: string;
}

/** POST /api/user/reset: spends an emailed reset token; `data` is the new password. */
export interface ResetPasswordRequest {
  email: string;
  token: string;
  password?: string;
}

/** GET /api/cost/request/:request_id: a raw object, no envelope. */
export interface RequestCostDto {
  request_id: string;
  user_id: number;
  quota: number;
  cost_usd: number;
  created_time: number;
  created_at?: number;
  updated_at?: number;
}
