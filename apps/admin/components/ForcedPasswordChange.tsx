'use client';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { UpdateSelfRequest, UserDto } from '@one-api/contracts';
import { api, json } from '../lib/api';
import { useT } from '../lib/i18n';
import { useFeedbackMutation } from '../lib/queries';
import { storeUser, type SessionUser } from '../lib/session';

/** Shown instead of every page while root still has the seeded password: nothing else works until it is changed. */
export function ForcedPasswordChange({ user }: { user: SessionUser }) {
  const t = useT();
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (v) =>
        v.length < 8 || v.length > 20
          ? t('register.passwordLength')
          : v === '123456'
            ? t('forced.same')
            : null,
      confirm: (v, values) => (v === values.password ? null : t('register.passwordMismatch')),
    },
  });
  const change = useFeedbackMutation({
    mutationFn: (body: UpdateSelfRequest) =>
      api<UserDto>('/api/user/self', { method: 'PUT', body: json(body) }),
    success: 'forced.done',
    invalidate: [['self']],
    onSuccess: () => storeUser({ ...user, password_change_required: false }),
  });
  return (
    <Center py="xl">
      <Paper withBorder shadow="sm" p="lg" w="100%" maw={440}>
        <form onSubmit={form.onSubmit((v) => change.mutate({ password: v.password }))}>
          <Stack gap="sm">
            <Title order={3}>{t('forced.title')}</Title>
            <Alert color="orange">{t('forced.hint')}</Alert>
            <PasswordInput
              label={t('profile.newPassword')}
              autoComplete="new-password"
              data-testid="forced-password"
              {...form.getInputProps('password')}
            />
            <PasswordInput
              label={t('register.confirm')}
              autoComplete="new-password"
              data-testid="forced-confirm"
              {...form.getInputProps('confirm')}
            />
            <Button type="submit" loading={change.isPending} data-testid="forced-submit">
              {t('forced.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
