'use client';
import { Alert, Anchor, Button, Divider, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import type { LoginUserDto } from '@one-api/contracts';
import { AuthFrame } from '../../components/AuthFrame';
import { api, json } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { startGitHubLogin, startOidcLogin } from '../../lib/oauth';
import { notifyError, useStatus } from '../../lib/queries';
import { storeUser, useSessionUser } from '../../lib/session';

export default function LoginPage() {
  const t = useT();
  const router = useRouter();
  const user = useSessionUser();
  const status = useStatus();
  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: {
      username: (v) => (v.trim() ? null : t('login.usernameRequired')),
      password: (v) => (v ? null : t('login.passwordRequired')),
    },
  });

  useEffect(() => {
    if (user) router.replace('/dashboard/');
  }, [user, router]);

  const login = useMutation({
    mutationFn: (values: { username: string; password: string }) =>
      api<LoginUserDto>('/api/user/login', { method: 'POST', body: json(values) }),
    onSuccess: (data) => {
      storeUser(data);
      router.replace('/dashboard/');
    },
  });

  const s = status.data;
  const passwordLogin = s?.password_login !== false;
  const sso = async (start: () => Promise<void>) => {
    try {
      await start();
    } catch (e) {
      notifyError(t('common.failed'), e);
    }
  };

  return (
    <AuthFrame title={t('login.title')}>
      <Stack gap="sm">
        {passwordLogin ? (
          <form onSubmit={form.onSubmit((v) => login.mutate({ username: v.username.trim(), password: v.password }))}>
            <Stack gap="sm">
              <TextInput
                label={t('login.username')}
                autoComplete="username"
                name="username"
                {...form.getInputProps('username')}
              />
              <PasswordInput
                label={t('login.password')}
                autoComplete="current-password"
                name="password"
                {...form.getInputProps('password')}
              />
              {login.error ? (
                <Alert color="red" role="alert" data-testid="login-error">
                  {login.error.message}
                </Alert>
              ) : null}
              <Button type="submit" loading={login.isPending} fullWidth data-testid="login-submit">
                {t('login.submit')}
              </Button>
            </Stack>
          </form>
        ) : (
          <Alert color="yellow">{t('login.passwordDisabled')}</Alert>
        )}
        {s?.github_oauth || s?.oidc ? <Divider label={t('login.or')} labelPosition="center" /> : null}
        {s?.github_oauth ? (
          <Button variant="default" fullWidth onClick={() => sso(() => startGitHubLogin(s))} data-testid="login-github">
            {t('login.github')}
          </Button>
        ) : null}
        {s?.oidc ? (
          <Button variant="default" fullWidth onClick={() => sso(() => startOidcLogin(s))} data-testid="login-oidc">
            {t('login.oidc')}
          </Button>
        ) : null}
        {s?.password_register !== false ? (
          <Text size="sm" ta="center">
            {t('login.noAccount')}{' '}
            <Anchor component={Link} href="/register/">
              {t('login.register')}
            </Anchor>
          </Text>
        ) : null}
      </Stack>
    </AuthFrame>
  );
}
