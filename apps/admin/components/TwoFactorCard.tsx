'use client';
import { Anchor, Badge, Button, Card, Code, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { TotpSetupDto } from '@one-api/contracts';
import { api, json } from '../lib/api';
import { useT } from '../lib/i18n';
import { useFeedbackMutation } from '../lib/queries';
import { CopyText } from './CopyText';

/** Two-factor sign-in (TOTP): set up with an authenticator app, confirm with a code, turn off with a code. */
export function TwoFactorCard() {
  const t = useT();
  const [setup, setSetup] = useState<TotpSetupDto | null>(null);
  const [code, setCode] = useState('');
  const status = useQuery({
    queryKey: ['totp-status'],
    queryFn: () => api<{ totp_enabled: boolean }>('/api/user/totp/status'),
  });
  const start = useFeedbackMutation({
    mutationFn: () => api<TotpSetupDto>('/api/user/totp/setup'),
    onSuccess: (s) => {
      setSetup(s);
      setCode('');
    },
  });
  const confirm = useFeedbackMutation({
    mutationFn: (totp_code: string) =>
      api('/api/user/totp/confirm', { method: 'POST', body: json({ totp_code }) }),
    success: 'totp.enabled',
    invalidate: [['totp-status']],
    onSuccess: () => {
      setSetup(null);
      setCode('');
    },
  });
  const disable = useFeedbackMutation({
    mutationFn: (totp_code: string) =>
      api('/api/user/totp/disable', { method: 'POST', body: json({ totp_code }) }),
    success: 'totp.disabled',
    invalidate: [['totp-status']],
    onSuccess: () => setCode(''),
  });
  const enabled = status.data?.totp_enabled;

  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={5}>{t('totp.title')}</Title>
        {status.data ? (
          <Badge color={enabled ? 'green' : 'gray'} variant="light">
            {enabled ? t('status.enabled') : t('status.disabled')}
          </Badge>
        ) : null}
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {t('totp.hint')}
      </Text>
      {setup ? (
        <Stack gap="xs">
          <Text size="sm">{t('totp.scan')}</Text>
          <Group gap="xs" wrap="nowrap">
            <Code data-testid="totp-secret">{setup.secret}</Code>
            <CopyText value={setup.secret} />
          </Group>
          <Anchor href={setup.qr_code} size="xs" style={{ wordBreak: 'break-all' }}>
            {setup.qr_code}
          </Anchor>
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              label={t('login.totp')}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              inputMode="numeric"
            />
            <Button
              loading={confirm.isPending}
              disabled={!code.trim()}
              onClick={() => confirm.mutate(code.trim())}
            >
              {t('totp.confirm')}
            </Button>
          </Group>
        </Stack>
      ) : enabled ? (
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label={t('login.totp')}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            inputMode="numeric"
          />
          <Button
            color="red"
            variant="light"
            loading={disable.isPending}
            disabled={!code.trim()}
            onClick={() => disable.mutate(code.trim())}
          >
            {t('totp.disable')}
          </Button>
        </Group>
      ) : (
        <Button
          variant="light"
          loading={start.isPending}
          onClick={() => start.mutate(undefined)}
          disabled={!status.data}
        >
          {t('totp.setup')}
        </Button>
      )}
    </Card>
  );
}
