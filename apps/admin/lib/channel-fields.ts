import type { ChannelConfig, ChannelDto } from '@one-api/contracts';
import type { MessageKey } from './i18n';

/** One extra input a channel type needs, stored in `config` (and, for legacy types, mirrored into `other`). */
export interface ChannelExtraField {
  name: keyof ChannelConfig;
  label: MessageKey;
  placeholder?: string;
  required?: boolean;
  multiline?: boolean;
  /** a JSON object is expected (service-account file) */
  json?: boolean;
  options?: { value: string; label: string }[];
  /** One API read this from the legacy `other` column: keep writing it there too */
  mirrorToOther?: boolean;
  defaultValue?: string;
}

export interface ChannelTypeForm {
  /** the base URL must be given (no default) */
  baseUrlRequired?: boolean;
  /** key hint: what the credential looks like for this type */
  keyHint?: MessageKey;
  /** no key input: the key is composed from the extra fields (as One API's UI does) */
  composeKey?: (config: ChannelConfig) => string;
  keyOptional?: boolean;
  extra?: ChannelExtraField[];
}

/** Per-type inputs, following what One API's channel editor asks for each type. */
export const CHANNEL_FORMS: Record<number, ChannelTypeForm> = {
  3: {
    baseUrlRequired: true,
    keyHint: 'channels.keyHint.azure',
    extra: [
      {
        name: 'api_version',
        label: 'channels.field.apiVersion',
        placeholder: '2024-03-01-preview',
        defaultValue: '2024-03-01-preview',
        required: true,
        mirrorToOther: true,
      },
    ],
  },
  8: { baseUrlRequired: true },
  15: { keyHint: 'channels.keyHint.baidu' },
  16: { keyHint: 'channels.keyHint.zhipu' },
  17: {
    extra: [
      { name: 'plugin', label: 'channels.field.plugin', placeholder: 'web_search', mirrorToOther: true },
    ],
  },
  18: {
    keyHint: 'channels.keyHint.xunfei',
    extra: [
      { name: 'api_version', label: 'channels.field.apiVersion', placeholder: 'v3.5', mirrorToOther: true },
    ],
  },
  21: {
    extra: [{ name: 'library_id', label: 'channels.field.libraryId', required: true, mirrorToOther: true }],
  },
  23: { keyHint: 'channels.keyHint.tencent' },
  24: {
    extra: [
      { name: 'api_version', label: 'channels.field.apiVersion', placeholder: 'v1beta', mirrorToOther: true },
    ],
  },
  30: { keyOptional: true },
  33: {
    composeKey: (c) => `${c.ak ?? ''}|${c.sk ?? ''}|${c.region ?? ''}`,
    extra: [
      { name: 'ak', label: 'channels.field.ak', required: true },
      { name: 'sk', label: 'channels.field.sk', required: true },
      { name: 'region', label: 'channels.field.region', placeholder: 'us-east-1', required: true },
    ],
  },
  34: {
    keyHint: 'channels.keyHint.coze',
    extra: [
      {
        name: 'auth_type',
        label: 'channels.field.authType',
        defaultValue: 'personal_access_token',
        options: [
          { value: 'personal_access_token', label: 'Personal access token' },
          { value: 'oauth_jwt', label: 'OAuth JWT' },
        ],
      },
      { name: 'user_id', label: 'channels.field.userId', placeholder: '123456' },
    ],
  },
  37: { extra: [{ name: 'user_id', label: 'channels.field.accountId', required: true }] },
  42: {
    composeKey: (c) => `${c.region ?? ''}|${c.vertex_ai_project_id ?? ''}|${c.vertex_ai_adc ?? ''}`,
    extra: [
      { name: 'region', label: 'channels.field.region', placeholder: 'us-central1', required: true },
      { name: 'vertex_ai_project_id', label: 'channels.field.projectId', required: true },
      {
        name: 'vertex_ai_adc',
        label: 'channels.field.serviceAccount',
        required: true,
        multiline: true,
        json: true,
      },
    ],
  },
  43: { baseUrlRequired: true },
  50: {
    baseUrlRequired: true,
    extra: [
      {
        name: 'api_format',
        label: 'channels.field.apiFormat',
        defaultValue: 'chat_completion',
        options: [
          { value: 'chat_completion', label: 'Chat Completions' },
          { value: 'response', label: 'Responses' },
        ],
      },
    ],
  },
  52: { baseUrlRequired: true },
};

export function channelForm(type: number): ChannelTypeForm {
  return CHANNEL_FORMS[type] ?? {};
}

export function parseConfig(text: string | null | undefined): ChannelConfig {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ChannelConfig) : {};
  } catch {
    return {};
  }
}

/** The extra field values of a stored channel: config first, then the legacy `other` column. */
export function extraValues(channel: Pick<ChannelDto, 'type' | 'config' | 'other'>): Record<string, string> {
  const config = parseConfig(channel.config);
  const values: Record<string, string> = {};
  for (const f of channelForm(channel.type).extra ?? []) {
    const v = config[f.name] ?? (f.mirrorToOther ? channel.other : undefined) ?? f.defaultValue ?? '';
    values[f.name] = String(v);
  }
  return values;
}

/** Model mapping editor rows ⇄ the JSON string One API stores. */
export interface MappingRow {
  from: string;
  to: string;
}

export function mappingRows(text: string | null | undefined): MappingRow[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
    return Object.entries(parsed as Record<string, unknown>).map(([from, to]) => ({ from, to: String(to) }));
  } catch {
    return [];
  }
}

export function mappingText(rows: MappingRow[]): string {
  const entries = rows.filter((r) => r.from.trim() && r.to.trim()).map((r) => [r.from.trim(), r.to.trim()]);
  return entries.length ? JSON.stringify(Object.fromEntries(entries), null, 2) : '';
}
