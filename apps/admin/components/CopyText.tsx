'use client';
import { Button, CopyButton, Tooltip } from '@mantine/core';
import { useT } from '../lib/i18n';

/** A copy-to-clipboard button (Mantine's CopyButton). */
export function CopyText({ value, label, testId }: { value: string; label?: string; testId?: string }) {
  const t = useT();
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
          <Button
            size="compact-xs"
            variant={copied ? 'filled' : 'light'}
            color={copied ? 'teal' : undefined}
            onClick={copy}
            data-testid={testId}
          >
            {copied ? t('common.copied') : (label ?? t('common.copy'))}
          </Button>
        </Tooltip>
      )}
    </CopyButton>
  );
}
