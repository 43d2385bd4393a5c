import { QUOTA_PER_UNIT } from '@one-api/contracts';

/** Site-wide display settings from /api/status. */
export interface QuotaDisplay {
  quotaPerUnit: number;
  inCurrency: boolean;
}

export const DEFAULT_DISPLAY: QuotaDisplay = { quotaPerUnit: QUOTA_PER_UNIT, inCurrency: true };

/** US dollars with enough digits for sub-cent costs: $0.000450, $1.25, $1,234.50. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '$0';
  const abs = Math.abs(usd);
  const digits = abs === 0 ? 2 : abs < 0.01 ? 6 : abs < 1 ? 4 : 2;
  return `${usd < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export function quotaToUsd(quota: number, display: QuotaDisplay = DEFAULT_DISPLAY): number {
  return quota / (display.quotaPerUnit || QUOTA_PER_UNIT);
}

export function usdToQuota(usd: number, display: QuotaDisplay = DEFAULT_DISPLAY): number {
  return Math.round(usd * (display.quotaPerUnit || QUOTA_PER_UNIT));
}

/** Quota as the site shows it: dollars when DisplayInCurrencyEnabled, raw units otherwise. */
export function formatQuota(quota: number, display: QuotaDisplay = DEFAULT_DISPLAY): string {
  if (display.inCurrency) return formatUsd(quotaToUsd(quota, display));
  return quota.toLocaleString('en-US');
}

export function formatNumber(n: number): string {
  return (Number.isFinite(n) ? n : 0).toLocaleString('en-US');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Unix seconds → local "YYYY-MM-DD HH:mm:ss"; 0 / negative → "". */
export function formatTime(seconds: number | null | undefined): string {
  if (!seconds || seconds <= 0) return '';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Milliseconds → "850 ms" / "1.25 s". */
export function formatLatency(ms: number): string {
  if (!ms || ms < 0) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Comma list → trimmed non-empty items. */
export function splitList(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const unixNow = () => Math.floor(Date.now() / 1000);
