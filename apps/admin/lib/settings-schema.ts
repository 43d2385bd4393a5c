import type { MessageKey } from './i18n';

export type SettingKind = 'text' | 'textarea' | 'bool' | 'number' | 'secret' | 'ratio';

export interface SettingField {
  key: string;
  kind: SettingKind;
  label: MessageKey;
  hint?: MessageKey;
}

export interface SettingSection {
  id: string;
  label: MessageKey;
  fields: SettingField[];
}

/** The options table keys the settings page edits, grouped as One API's settings screens group them. */
export const SETTING_SECTIONS: SettingSection[] = [
  {
    id: 'general',
    label: 'settings.general',
    fields: [
      { key: 'SystemName', kind: 'text', label: 'settings.SystemName' },
      { key: 'Logo', kind: 'text', label: 'settings.Logo', hint: 'settings.LogoHint' },
      {
        key: 'ServerAddress',
        kind: 'text',
        label: 'settings.ServerAddress',
        hint: 'settings.ServerAddressHint',
      },
      { key: 'Notice', kind: 'textarea', label: 'settings.Notice', hint: 'settings.markdownHint' },
      { key: 'About', kind: 'textarea', label: 'settings.About', hint: 'settings.markdownHint' },
      { key: 'HomePageContent', kind: 'textarea', label: 'settings.HomePageContent' },
      { key: 'Footer', kind: 'textarea', label: 'settings.Footer', hint: 'settings.FooterHint' },
      { key: 'TopUpLink', kind: 'text', label: 'settings.TopUpLink' },
      { key: 'ChatLink', kind: 'text', label: 'settings.ChatLink' },
      { key: 'DisplayInCurrencyEnabled', kind: 'bool', label: 'settings.DisplayInCurrencyEnabled' },
      { key: 'DisplayTokenStatEnabled', kind: 'bool', label: 'settings.DisplayTokenStatEnabled' },
    ],
  },
  {
    id: 'login',
    label: 'settings.login',
    fields: [
      { key: 'PasswordLoginEnabled', kind: 'bool', label: 'settings.PasswordLoginEnabled' },
      { key: 'PasswordRegisterEnabled', kind: 'bool', label: 'settings.PasswordRegisterEnabled' },
      { key: 'RegisterEnabled', kind: 'bool', label: 'settings.RegisterEnabled' },
      { key: 'EmailVerificationEnabled', kind: 'bool', label: 'settings.EmailVerificationEnabled' },
      { key: 'EmailDomainRestrictionEnabled', kind: 'bool', label: 'settings.EmailDomainRestrictionEnabled' },
      {
        key: 'EmailDomainWhitelist',
        kind: 'text',
        label: 'settings.EmailDomainWhitelist',
        hint: 'settings.commaHint',
      },
      { key: 'TurnstileCheckEnabled', kind: 'bool', label: 'settings.TurnstileCheckEnabled' },
      { key: 'TurnstileSiteKey', kind: 'text', label: 'settings.TurnstileSiteKey' },
      { key: 'TurnstileSecretKey', kind: 'secret', label: 'settings.TurnstileSecretKey' },
    ],
  },
  {
    id: 'smtp',
    label: 'settings.smtp',
    fields: [
      { key: 'SMTPServer', kind: 'text', label: 'settings.SMTPServer' },
      { key: 'SMTPPort', kind: 'number', label: 'settings.SMTPPort' },
      { key: 'SMTPAccount', kind: 'text', label: 'settings.SMTPAccount' },
      { key: 'SMTPFrom', kind: 'text', label: 'settings.SMTPFrom' },
      { key: 'SMTPToken', kind: 'secret', label: 'settings.SMTPToken' },
    ],
  },
  {
    id: 'oauth',
    label: 'settings.oauth',
    fields: [
      { key: 'GitHubClientId', kind: 'text', label: 'settings.GitHubClientId', hint: 'settings.GitHubHint' },
      { key: 'GitHubClientSecret', kind: 'secret', label: 'settings.GitHubClientSecret' },
      { key: 'GitHubOAuthEnabled', kind: 'bool', label: 'settings.GitHubOAuthEnabled' },
      { key: 'OidcClientId', kind: 'text', label: 'settings.OidcClientId', hint: 'settings.OidcHint' },
      { key: 'OidcClientSecret', kind: 'secret', label: 'settings.OidcClientSecret' },
      { key: 'OidcWellKnown', kind: 'text', label: 'settings.OidcWellKnown' },
      { key: 'OidcAuthorizationEndpoint', kind: 'text', label: 'settings.OidcAuthorizationEndpoint' },
      { key: 'OidcTokenEndpoint', kind: 'text', label: 'settings.OidcTokenEndpoint' },
      { key: 'OidcUserinfoEndpoint', kind: 'text', label: 'settings.OidcUserinfoEndpoint' },
      { key: 'OidcEnabled', kind: 'bool', label: 'settings.OidcEnabled' },
    ],
  },
  {
    id: 'quota',
    label: 'settings.quota',
    fields: [
      { key: 'QuotaForNewUser', kind: 'number', label: 'settings.QuotaForNewUser' },
      { key: 'QuotaForInviter', kind: 'number', label: 'settings.QuotaForInviter' },
      { key: 'QuotaForInvitee', kind: 'number', label: 'settings.QuotaForInvitee' },
      { key: 'QuotaRemindThreshold', kind: 'number', label: 'settings.QuotaRemindThreshold' },
      { key: 'PreConsumedQuota', kind: 'number', label: 'settings.PreConsumedQuota' },
      { key: 'QuotaPerUnit', kind: 'number', label: 'settings.QuotaPerUnit' },
    ],
  },
  {
    id: 'ratios',
    label: 'settings.ratios',
    fields: [
      { key: 'ModelRatio', kind: 'ratio', label: 'settings.ModelRatio', hint: 'settings.ModelRatioHint' },
      {
        key: 'CompletionRatio',
        kind: 'ratio',
        label: 'settings.CompletionRatio',
        hint: 'settings.CompletionRatioHint',
      },
      { key: 'GroupRatio', kind: 'ratio', label: 'settings.GroupRatio', hint: 'settings.GroupRatioHint' },
    ],
  },
  {
    id: 'operations',
    label: 'settings.operations',
    fields: [
      { key: 'RetryTimes', kind: 'number', label: 'settings.RetryTimes' },
      { key: 'ChannelDisableThreshold', kind: 'number', label: 'settings.ChannelDisableThreshold' },
      {
        key: 'AutomaticDisableChannelEnabled',
        kind: 'bool',
        label: 'settings.AutomaticDisableChannelEnabled',
      },
      { key: 'AutomaticEnableChannelEnabled', kind: 'bool', label: 'settings.AutomaticEnableChannelEnabled' },
      { key: 'LogConsumeEnabled', kind: 'bool', label: 'settings.LogConsumeEnabled' },
      { key: 'ApproximateTokenEnabled', kind: 'bool', label: 'settings.ApproximateTokenEnabled' },
    ],
  },
];

/**
 * Checks a ratio table: a JSON object of model (or group) → finite non-negative number.
 * Returns the problem (with the offending key) or null.
 */
export function ratioProblem(text: string): { kind: 'json' | 'object' | 'value'; key?: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'json' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { kind: 'object' };
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return { kind: 'value', key };
  }
  return null;
}

/** Pretty-prints a stored JSON option for editing (keeps the text when it is not JSON). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
