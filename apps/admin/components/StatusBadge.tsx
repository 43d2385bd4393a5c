'use client';
import { Badge } from '@mantine/core';
import { useT, type MessageKey } from '../lib/i18n';

const KINDS: Record<string, Record<number, [MessageKey, string]>> = {
  token: {
    1: ['status.enabled', 'green'],
    2: ['status.disabled', 'gray'],
    3: ['status.expired', 'orange'],
    4: ['status.exhausted', 'red'],
  },
  channel: {
    1: ['status.enabled', 'green'],
    2: ['status.manuallyDisabled', 'gray'],
    3: ['status.autoDisabled', 'red'],
  },
  user: { 1: ['status.enabled', 'green'], 2: ['status.disabled', 'red'], 3: ['status.deleted', 'gray'] },
  redemption: { 1: ['status.unused', 'green'], 2: ['status.disabled', 'gray'], 3: ['status.used', 'blue'] },
};

export function StatusBadge({ kind, status }: { kind: keyof typeof KINDS; status: number }) {
  const t = useT();
  const [label, color] = KINDS[kind][status] ?? (['status.unknown', 'gray'] as [MessageKey, string]);
  return (
    <Badge color={color} variant="light" data-status={status}>
      {t(label)}
    </Badge>
  );
}
