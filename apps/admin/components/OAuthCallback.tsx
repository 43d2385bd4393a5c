'use client';
import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { LoginUserDto } from '@one-api/contracts';
import { apiEnvelope, qs } from '../lib/api';
import { useT } from '../lib/i18n';
import { notifySuccess } from '../lib/queries';
import { storeUser } from '../lib/session';
import { AuthFrame } from './AuthFrame';

/** The page the provider redirects to: hands code and state to /api/oauth/<provider>, then signs in (or binds). */
export function OAuthCallback({ provider }: { provider: 'github' | 'oidc' }) {
  const t = useT();
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const code = params.get('code') ?? '';
    const state = params.get('state') ?? '';
    apiEnvelope<LoginUserDto>(`/api/oauth/${provider}${qs({ code, state })}`)
      .then((res) => {
        if (res.message === 'bind') {
          notifySuccess(t('oauth.bound'));
          router.replace('/profile/');
        } else if (res.data) {
          storeUser(res.data);
          router.replace('/dashboard/');
        }
      })
      .catch((e: Error) => setError(e.message));
  }, [params, provider, router, t]);

  return (
    <AuthFrame title={t(provider === 'github' ? 'login.github' : 'login.oidc')}>
      {error ? (
        <Stack>
          <Alert color="red" role="alert">
            {error}
          </Alert>
          <Button component={Link} href="/login/" variant="default">
            {t('oauth.back')}
          </Button>
        </Stack>
      ) : (
        <Center p="lg">
          <Loader />
        </Center>
      )}
    </AuthFrame>
  );
}
