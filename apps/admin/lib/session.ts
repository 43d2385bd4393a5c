'use client';
import { useSyncExternalStore } from 'react';
import { Role, type LoginUserDto } from '@one-api/contracts';

/**
 * The signed-in user as the login answer gave it, kept in localStorage (as One API's web UI does) so pages know
 * whom they show without a round trip. The httpOnly session cookie stays the credential; a 401 clears this.
 */
const STORAGE_KEY = 'oneapi.user';
const EVENT = 'oneapi:session';

export type SessionUser = LoginUserDto;

let cachedRaw: string | null | undefined;
let cachedUser: SessionUser | null = null;

function read(): SessionUser | null {
  const raw = window.localStorage.getItem(STORAGE_KEY);
  if (raw === cachedRaw) return cachedUser;
  cachedRaw = raw;
  try {
    cachedUser = raw ? (JSON.parse(raw) as SessionUser) : null;
  } catch {
    cachedUser = null;
  }
  return cachedUser;
}

export function storeUser(user: SessionUser): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(user));
  window.dispatchEvent(new Event(EVENT));
}

export function clearUser(): void {
  window.localStorage.removeItem(STORAGE_KEY);
  window.dispatchEvent(new Event(EVENT));
}

export function storedUser(): SessionUser | null {
  return typeof window === 'undefined' ? null : read();
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(EVENT, onChange);
  window.addEventListener('storage', onChange);
  return () => {
    window.removeEventListener(EVENT, onChange);
    window.removeEventListener('storage', onChange);
  };
}

/** The stored user; `undefined` while rendering on the server / before hydration. */
export function useSessionUser(): SessionUser | null | undefined {
  return useSyncExternalStore<SessionUser | null | undefined>(subscribe, read, () => undefined);
}

export const isAdmin = (user: { role: number } | null | undefined) => !!user && user.role >= Role.Admin;
export const isRoot = (user: { role: number } | null | undefined) => !!user && user.role >= Role.Root;
