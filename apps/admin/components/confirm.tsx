import { Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import type { Translate } from '../lib/i18n';

/** Asks before a destructive action. */
export function confirmAction(
  t: Translate,
  opts: { title: string; message: string; confirm?: string; onConfirm: () => void },
) {
  modals.openConfirmModal({
    title: opts.title,
    centered: true,
    children: <Text size="sm">{opts.message}</Text>,
    labels: { confirm: opts.confirm ?? t('common.confirm'), cancel: t('common.cancel') },
    confirmProps: { color: 'red', 'data-testid': 'confirm-action' } as Record<string, string>,
    onConfirm: opts.onConfirm,
  });
}
