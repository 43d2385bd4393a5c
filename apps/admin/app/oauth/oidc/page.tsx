'use client';
import { Suspense } from 'react';
import { OAuthCallback } from '../../../components/OAuthCallback';

export default function OAuthPage() {
  return (
    <Suspense>
      <OAuthCallback provider="oidc" />
    </Suspense>
  );
}
