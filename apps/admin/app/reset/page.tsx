'use client';
import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { AuthFrame } from '../../components/AuthFrame';
import { api, qs } from '../../lib/api';
import { useT } from '../../lib/i18n';

/** Asks for a password reset link by email (GET /api/reset_password). */
export default function ResetRequestPage() {
  const t = useT();
  const form = useForm({
    initialValues: { email: '' },
    validate: { email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : t('register.emailInvalid')) },
  });
  const send = useMutation({ mutationFn: (email: string) => api(`/api/reset_password${qs({ email })}`) });
  return (
    <AuthFrame title={t('reset.title')}>
      {send.isSuccess ? (
        <Alert color="green" data-testid="reset-sent">
          {t('reset.sent')}
        </Alert>
      ) : (
        <form onSubmit={form.onSubmit((v) => send.mutate(v.email.trim()))}>
          <Stack gap="sm">
            <Text size="sm">{t('reset.hint')}</Text>
            <TextInput
              label={t('register.email')}
              type="email"
              autoComplete="email"
              {...form.getInputProps('email')}
            />
            {send.error ? (
              <Alert color="red" role="alert">
                {send.error.message}
              </Alert>
            ) : null}
            <Button type="submit" loading={send.isPending} fullWidth>
              {t('reset.send')}
            </Button>
          </Stack>
        </form>
      )}
      <Text size="sm" ta="center" mt="md">
        <Anchor component={Link} href="/login/">
          {t('oauth.back')}
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
