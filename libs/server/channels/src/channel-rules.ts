import { CHANNEL_TYPES } from '@one-api/contracts';
import { channelGroups, splitList } from './abilities';

/** Column limits that hold on every engine (MySQL sizes indexed text columns as varchar(191)). */
export const CHANNEL_NAME_MAX = 191;
export const CHANNEL_BASE_URL_MAX = 191;
export const CHANNEL_GROUP_MAX = 32;
export const MODEL_MAPPING_MAX = 1024;
export const MODEL_NAME_MAX = 191;

/** A real channel type (listed in CHANNEL_TYPES, not 0 "Unknown"). */
export function isKnownChannelType(type: unknown): boolean {
  return (
    typeof type === 'number' && Number.isInteger(type) && type > 0 && CHANNEL_TYPES.some((t) => t.id === type)
  );
}

/** Why a model_mapping value is unacceptable, or null: it must be "" or a JSON object of string → string. */
export function modelMappingProblem(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return 'model_mapping must be a string holding a JSON object';
  if (value.trim() === '') return null;
  if (value.length > MODEL_MAPPING_MAX)
    return `model_mapping must be at most ${MODEL_MAPPING_MAX} characters`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'model_mapping must be valid JSON';
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return 'model_mapping must be a JSON object such as {"gpt-4o":"my-gpt-4o"}';
  }
  for (const [from, to] of Object.entries(parsed)) {
    if (typeof to !== 'string') return `model_mapping: the value of "${from}" must be a string`;
  }
  return null;
}

/** Why a config value is unacceptable, or null: it must be a JSON object, a string holding one, or "". */
export function configProblem(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return Array.isArray(value) ? 'config must be a JSON object' : null;
  if (typeof value !== 'string') return 'config must be a JSON object or a string holding one';
  if (value.trim() === '') return null;
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? null
      : 'config must be a JSON object';
  } catch {
    return 'config must be valid JSON';
  }
}

/** config as stored: always a JSON string ("" when none was given). */
export function configToText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  return JSON.stringify(value);
}

/** Why a models list is unacceptable, or null. */
export function modelsProblem(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return 'models must be a comma-separated string';
  const tooLong = splitList(value).find((m) => m.length > MODEL_NAME_MAX);
  return tooLong ? `models: "${tooLong.slice(0, 40)}…" is longer than ${MODEL_NAME_MAX} characters` : null;
}

/** Why a group list is unacceptable, or null (the column holds at most 32 characters). */
export function groupProblem(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return 'group must be a comma-separated string';
  return channelGroups(value).join(',').length > CHANNEL_GROUP_MAX
    ? `group must be at most ${CHANNEL_GROUP_MAX} characters once normalised`
    : null;
}

/** The keys of a (possibly multi-line) key field: one per non-empty line, trimmed. */
export function splitKeys(key: string | null | undefined): string[] {
  if (!key) return [];
  return key
    .split(/\r?\n/)
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}
