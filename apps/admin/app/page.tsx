'use client';
import { Center, Loader } from '@mantine/core';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useSessionUser } from '../lib/session';

/** `/`: the dashboard when signed in, the sign-in page otherwise. */
export default function HomePage() {
  const user = useSessionUser();
  const router = useRouter();
  useEffect(() => {
    if (user === undefined) return;
    router.replace(user ? '/overview/' : '/login/');
  }, [user, router]);
  return (
    <Center h="100vh">
      <Loader />
    </Center>
  );
}
