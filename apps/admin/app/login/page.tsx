'use client';
import { Alert, Anchor, Button, Divider, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useState } from 'react';
import type { LoginRequest, LoginUserDto } from '@one-api/contracts';
import { AuthFrame } from '../../components/AuthFrame';
import { api, ApiError, json } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { startSso } from '../../lib/oauth';
import { useStatus } from '../../lib/queries';
import { storeUser, useSessionUser } from '../../lib/session';

function LoginForm() {
  const t = useT();
  const router = useRouter();
  const params = useSearchParams();
  const user = useSessionUser();
  const status = useStatus();
  const [needsTotp, setNeedsTotp] = useState(false);
  const form = useForm({
    initialValues: { username: '', password: '', totp_code: '' },
    validate: {
      username: (v) => (v.trim() ? null : t('login.usernameRequired')),
      password: (v) => (v ? null : t('login.passwordRequired')),
      totp_code: (v) => (needsTotp && !v.trim() ? t('login.totpRequired') : null),
    },
  });

  useEffect(() => {
    if (user) router.replace('/overview/');
  }, [user, router]);

  const login = useMutation({
    mutationFn: (body: LoginRequest) =>
      api<LoginUserDto>('/api/user/login', { method: 'POST', body: json(body) }),
    onSuccess: (data) => {
      storeUser(data);
      router.replace('/overview/');
    },
    onError: (e) => {
      if (e instanceof ApiError && e.data?.totp_required) setNeedsTotp(true);
    },
  });

  const s = status.data;
  const passwordLogin = s?.password_login !== false;
  const oauthError = params.get('oauth_error');
  const error = login.error;
  const totpPrompt = error instanceof ApiError && error.message === 'totp_required';

  return (
    <Stack gap="sm">
      {oauthError ? (
        <Alert color="red" role="alert" data-testid="oauth-error">
          {oauthError}
        </Alert>
      ) : null}
      {passwordLogin ? (
        <form
          onSubmit={form.onSubmit((v) =>
            login.mutate({
              username: v.username.trim(),
              password: v.password,
              totp_code: needsTotp ? v.totp_code.trim() : undefined,
            }),
          )}
        >
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
            {needsTotp ? (
              <TextInput
                label={t('login.totp')}
                description={t('login.totpHint')}
                autoComplete="one-time-code"
                inputMode="numeric"
                data-testid="login-totp"
                {...form.getInputProps('totp_code')}
              />
            ) : null}
            {error && !totpPrompt ? (
              <Alert color="red" role="alert" data-testid="login-error">
                {error.message}
              </Alert>
            ) : null}
            <Button type="submit" loading={login.isPending} fullWidth data-testid="login-submit">
              {t('login.submit')}
            </Button>
            <Group justify="flex-end">
              <Anchor component={Link} href="/reset/" size="sm">
                {t('login.forgot')}
              </Anchor>
            </Group>
          </Stack>
        </form>
      ) : (
        <Alert color="yellow">{t('login.passwordDisabled')}</Alert>
      )}
      {s?.github_oauth || s?.oidc ? <Divider label={t('login.or')} labelPosition="center" /> : null}
      {s?.oidc ? (
        <Button variant="default" fullWidth onClick={() => startSso('oidc')} data-testid="login-oidc">
          {t('login.oidc')}
        </Button>
      ) : null}
      {s?.github_oauth ? (
        <Button variant="default" fullWidth onClick={() => startSso('github')} data-testid="login-github">
          {t('login.github')}
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
  );
}

export default function LoginPage() {
  const t = useT();
  return (
    <AuthFrame title={t('login.title')}>
      <Suspense>
        <LoginForm />
      </Suspense>
    </AuthFrame>
  );
}
