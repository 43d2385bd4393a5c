'use client';
import { Alert, Anchor, Button, Code, Group, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import type { ResetPasswordRequest } from '@one-api/contracts';
import { AuthFrame } from '../../../components/AuthFrame';
import { CopyText } from '../../../components/CopyText';
import { api, json } from '../../../lib/api';
import { useT } from '../../../lib/i18n';

/** The page an emailed reset link opens (`/user/reset?email=&token=`): spends the token, shows the new password. */
function ResetConfirm() {
  const t = useT();
  const params = useSearchParams();
  const email = params.get('email') ?? '';
  const token = params.get('token') ?? '';
  const reset = useMutation({
    mutationFn: (body: ResetPasswordRequest) =>
      api<string>('/api/user/reset', { method: 'POST', body: json(body) }),
  });
  if (!email || !token) return <Alert color="red">{t('reset.badLink')}</Alert>;
  if (reset.data) {
    return (
      <Stack gap="sm">
        <Text size="sm">{t('reset.done')}</Text>
        <Group gap="xs" wrap="nowrap">
          <Code data-testid="reset-password">{reset.data}</Code>
          <CopyText value={reset.data} />
        </Group>
        <Button component={Link} href="/login/">
          {t('login.submit')}
        </Button>
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm">{t('reset.confirmHint', { email })}</Text>
      {reset.error ? (
        <Alert color="red" role="alert">
          {reset.error.message}
        </Alert>
      ) : null}
      <Button
        loading={reset.isPending}
        onClick={() => reset.mutate({ email, token })}
        data-testid="reset-confirm"
      >
        {t('reset.confirm')}
      </Button>
    </Stack>
  );
}

export default function ResetConfirmPage() {
  const t = useT();
  return (
    <AuthFrame title={t('reset.title')}>
      <Suspense>
        <ResetConfirm />
      </Suspense>
      <Text size="sm" ta="center" mt="md">
        <Anchor component={Link} href="/login/">
          {t('oauth.back')}
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
