import type { UserDto } from '@one-api/contracts';
import type { User } from '@one-api/server-db';

/** A user as the management API shows it: never the password hash, never the access token. */
export function toUserDto(user: User): UserDto {
  return {
    id: Number(user.id),
    username: user.username ?? '',
    display_name: user.displayName ?? '',
    role: Number(user.role),
    status: Number(user.status),
    email: user.email ?? '',
    github_id: user.githubId ?? '',
    wechat_id: user.wechatId ?? '',
    lark_id: user.larkId ?? '',
    oidc_id: user.oidcId ?? '',
    quota: Number(user.quota ?? 0),
    used_quota: Number(user.usedQuota ?? 0),
    request_count: Number(user.requestCount ?? 0),
    group: user.group || 'default',
    aff_code: user.affCode ?? '',
    inviter_id: Number(user.inviterId ?? 0),
  };
}

/** What a successful sign-in returns (One API sets only these fields). */
export interface LoginView {
  id: number;
  username: string;
  display_name: string;
  role: number;
  status: number;
  group: string;
}

export function toLoginView(user: User): LoginView {
  return {
    id: Number(user.id),
    username: user.username ?? '',
    display_name: user.displayName ?? '',
    role: Number(user.role),
    status: Number(user.status),
    group: user.group || 'default',
  };
}

/** One row of GET /api/user/dashboard; One API's struct has no JSON tags, hence PascalCase. */
export interface DashboardRow {
  Day: string;
  ModelName: string;
  RequestCount: number;
  Quota: number;
  PromptTokens: number;
  CompletionTokens: number;
}
