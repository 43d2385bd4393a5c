'use client';
import { Alert, Anchor, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import type { RegisterRequest } from '@one-api/contracts';
import { AuthFrame } from '../../components/AuthFrame';
import { api, json, qs } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { notifyError, notifySuccess, useStatus } from '../../lib/queries';

function RegisterForm() {
  const t = useT();
  const router = useRouter();
  const params = useSearchParams();
  const status = useStatus().data;
  const needsEmail = !!status?.email_verification;
  const form = useForm({
    initialValues: {
      username: '',
      password: '',
      confirm: '',
      email: '',
      verification_code: '',
      aff_code: params.get('aff') ?? '',
    },
    validate: {
      username: (v) =>
        v.trim()
          ? v.trim().length > 30
            ? t('register.usernameTooLong')
            : null
          : t('login.usernameRequired'),
      password: (v) => (v.length >= 8 && v.length <= 20 ? null : t('register.passwordLength')),
      confirm: (v, values) => (v === values.password ? null : t('register.passwordMismatch')),
      email: (v) => (needsEmail && !/^\S+@\S+\.\S+$/.test(v) ? t('register.emailInvalid') : null),
      verification_code: (v) => (needsEmail && !v.trim() ? t('register.codeRequired') : null),
    },
  });

  const register = useMutation({
    mutationFn: (body: RegisterRequest) => api('/api/user/register', { method: 'POST', body: json(body) }),
    onSuccess: () => {
      notifySuccess(t('register.done'));
      router.replace('/login/');
    },
  });

  const sendCode = useMutation({
    mutationFn: () => api(`/api/verification${qs({ email: form.values.email })}`),
    onSuccess: () => notifySuccess(t('register.codeSent')),
    onError: (e) => notifyError(t('common.failed'), e),
  });

  if (status && status.password_register === false) {
    return <Alert color="yellow">{t('register.closed')}</Alert>;
  }

  return (
    <form
      onSubmit={form.onSubmit((v) =>
        register.mutate({
          username: v.username.trim(),
          password: v.password,
          email: needsEmail ? v.email.trim() : undefined,
          verification_code: needsEmail ? v.verification_code.trim() : undefined,
          aff_code: v.aff_code.trim() || undefined,
        }),
      )}
    >
      <Stack gap="sm">
        <TextInput label={t('login.username')} autoComplete="username" {...form.getInputProps('username')} />
        <PasswordInput
          label={t('login.password')}
          autoComplete="new-password"
          {...form.getInputProps('password')}
        />
        <PasswordInput
          label={t('register.confirm')}
          autoComplete="new-password"
          {...form.getInputProps('confirm')}
        />
        {needsEmail ? (
          <>
            <TextInput label={t('register.email')} type="email" {...form.getInputProps('email')} />
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <TextInput
                style={{ flex: 1 }}
                label={t('register.code')}
                {...form.getInputProps('verification_code')}
              />
              <Button variant="default" loading={sendCode.isPending} onClick={() => sendCode.mutate()}>
                {t('register.sendCode')}
              </Button>
            </Group>
          </>
        ) : null}
        <TextInput label={t('register.affCode')} {...form.getInputProps('aff_code')} />
        {register.error ? (
          <Alert color="red" role="alert">
            {register.error.message}
          </Alert>
        ) : null}
        <Button type="submit" loading={register.isPending} fullWidth>
          {t('register.submit')}
        </Button>
      </Stack>
    </form>
  );
}

export default function RegisterPage() {
  const t = useT();
  return (
    <AuthFrame title={t('register.title')}>
      <Suspense>
        <RegisterForm />
      </Suspense>
      <Text size="sm" ta="center" mt="md">
        {t('register.haveAccount')}{' '}
        <Anchor component={Link} href="/login/">
          {t('login.submit')}
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
