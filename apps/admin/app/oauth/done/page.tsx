'use client';
import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { UserDto } from '@one-api/contracts';
import { AuthFrame } from '../../../components/AuthFrame';
import { api } from '../../../lib/api';
import { useT } from '../../../lib/i18n';
import { storeUser } from '../../../lib/session';

/** Landing page of a server-driven single sign-on: the session cookie is set; load who we are and go on. */
export default function SsoDonePage() {
  const t = useT();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    api<UserDto & { password_change_required?: boolean }>('/api/user/self')
      .then((u) => {
        storeUser({
          id: u.id,
          username: u.username,
          display_name: u.display_name,
          role: u.role,
          status: u.status,
          group: u.group,
          password_change_required: u.password_change_required,
        });
        router.replace('/overview/');
      })
      .catch((e: Error) => setError(e.message));
  }, [router]);
  return (
    <AuthFrame title={t('login.title')}>
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
