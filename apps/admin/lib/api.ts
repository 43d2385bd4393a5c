import type { ApiEnvelope } from '@one-api/contracts';

const API_BASE = process.env.NEXT_PUBLIC_API_BASE ?? '';

/** Calls the management API with the session cookie; throws the server's message when `success` is false. */
export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${API_BASE}${path}`, {
    credentials: 'include',
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init?.headers ?? {}) },
  });
  let body: ApiEnvelope<T>;
  try {
    body = (await res.json()) as ApiEnvelope<T>;
  } catch {
    throw new Error(`HTTP ${res.status}`);
  }
  if (!body.success) throw new Error(body.message || `HTTP ${res.status}`);
  return body.data as T;
}
