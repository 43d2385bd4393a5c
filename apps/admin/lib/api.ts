import type { ApiEnvelope } from '@one-api/contracts';

/** Where the management API lives: "" (same origin, the default) or NEXT_PUBLIC_API_BASE for a separate deployment. */
export const API_BASE = (process.env.NEXT_PUBLIC_API_BASE ?? '').replace(/\/+$/, '');

/** A failed management call: the server's message and the HTTP status. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** the envelope's `data` on failure (e.g. {totp_required: true}, {password_change_required: true}) */
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = (error: ApiError) => void;
const sessionListeners = new Set<Listener>();

/**
 * Called when a call answers 401 (the session ended) or 403 with `password_change_required` (root must replace the
 * seeded password first): the app signs out locally, or shows the password change.
 */
export function onSessionProblem(listener: Listener): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

async function request(path: string, init?: RequestInit): Promise<{ res: Response; body: unknown }> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init?.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${API_BASE}${path}`, {
    credentials: 'include',
    ...init,
    headers: { ...headers, ...((init?.headers as Record<string, string> | undefined) ?? {}) },
  });
  let body: unknown = undefined;
  const text = await res.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { res, body };
}

function failure(res: Response, body: unknown): ApiError {
  const message =
    body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : '';
  const data =
    body && typeof body === 'object' && typeof (body as { data?: unknown }).data === 'object'
      ? ((body as { data: Record<string, unknown> }).data ?? undefined)
      : undefined;
  const error = new ApiError(message || `HTTP ${res.status} ${res.statusText}`.trim(), res.status, data);
  if (res.status === 401 || (res.status === 403 && data?.password_change_required)) {
    sessionListeners.forEach((l) => l(error));
  }
  return error;
}

/** Calls an enveloped endpoint ({success, message, data}); returns the whole envelope or throws the server's message. */
export async function apiEnvelope<T>(path: string, init?: RequestInit): Promise<ApiEnvelope<T>> {
  const { res, body } = await request(path, init);
  const envelope = body as ApiEnvelope<T> | undefined;
  if (!res.ok || !envelope || envelope.success !== true) throw failure(res, body);
  return envelope;
}

/** Calls an enveloped endpoint and returns `data`. */
export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  return (await apiEnvelope<T>(path, init)).data as T;
}

/** Calls an endpoint whose answer is flat (`{success, message, …}` without `data`), e.g. channel test and balance. */
export async function apiFlat<T extends { success: boolean }>(path: string, init?: RequestInit): Promise<T> {
  const { res, body } = await request(path, init);
  if (!res.ok || !body || (body as T).success !== true) throw failure(res, body);
  return body as T;
}

/** Calls an endpoint that answers a raw object on success (e.g. the cost lookup). */
export async function apiRaw<T>(path: string, init?: RequestInit): Promise<T> {
  const { res, body } = await request(path, init);
  if (!res.ok || body === undefined) throw failure(res, body);
  return body as T;
}

export const json = (value: unknown): RequestInit['body'] => JSON.stringify(value);

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
