/** Shapes of the One API management API (`/api/*`), shared by the API and the admin app. */
export interface ApiEnvelope<T = unknown> {
  success: boolean;
  message: string;
  data?: T;
  total?: number;
}

export interface UserDto {
  id: number;
  username: string;
  display_name: string;
  role: number;
  status: number;
  email: string;
  github_id: string;
  wechat_id: string;
  lark_id: string;
  oidc_id: string;
  quota: number;
  used_quota: number;
  request_count: number;
  group: string;
  aff_code: string;
  inviter_id: number;
}

export interface TokenDto {
  id: number;
  user_id: number;
  key: string;
  status: number;
  name: string;
  created_time: number;
  accessed_time: number;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  used_quota: number;
  models: string | null;
  subnet: string;
}

export interface ChannelDto {
  id: number;
  type: number;
  key?: string;
  status: number;
  name: string;
  weight: number;
  created_time: number;
  test_time: number;
  response_time: number;
  base_url: string;
  other: string;
  balance: number;
  balance_updated_time: number;
  models: string;
  group: string;
  used_quota: number;
  model_mapping: string;
  priority: number;
  config: string;
  system_prompt: string;
  /** The fork's per-model prices (JSON map model → config, docs/billing.md), or "". */
  model_configs: string;
}

export interface RedemptionDto {
  id: number;
  user_id: number;
  key: string;
  status: number;
  name: string;
  quota: number;
  created_time: number;
  redeemed_time: number;
}

export interface LogDto {
  id: number;
  user_id: number;
  created_at: number;
  type: number;
  content: string;
  username: string;
  token_name: string;
  model_name: string;
  quota: number;
  prompt_tokens: number;
  completion_tokens: number;
  channel: number;
  request_id: string;
  elapsed_time: number;
  is_stream: boolean;
  system_prompt_reset: boolean;
}

export interface OptionDto {
  key: string;
  value: string;
}

export interface StatusDto {
  version: string;
  start_time: number;
  system_name: string;
  logo: string;
  footer_html: string;
  server_address: string;
  quota_per_unit: number;
  display_in_currency: boolean;
  email_verification: boolean;
  github_oauth: boolean;
  github_client_id: string;
  oidc: boolean;
  password_login: boolean;
  password_register: boolean;
  [key: string]: unknown;
}
