import type { UpstreamIo } from '@one-api/llm-core';

export interface ExpiringCredential {
  value: string;
  /** epoch ms */
  expiresAt: number;
}

interface Entry {
  credential?: ExpiringCredential;
  /** the exchange under way, shared by every request that needs the credential meanwhile */
  pending?: Promise<ExpiringCredential>;
}

/**
 * A credential obtained by an exchange (OAuth client credentials, Copilot token), kept in `io.cache` under `key` and
 * exchanged again `marginMs` before it expires. Concurrent requests share one exchange; a failed one is not cached.
 */
export async function cachedCredential(
  io: UpstreamIo,
  key: string,
  marginMs: number,
  exchange: () => Promise<ExpiringCredential>,
): Promise<string> {
  let entry = io.cache.get(key) as Entry | undefined;
  if (!entry) {
    entry = {};
    io.cache.set(key, entry);
  }
  if (entry.credential && entry.credential.expiresAt - marginMs > io.now()) return entry.credential.value;
  const current = entry;
  const pending =
    current.pending ??
    (current.pending = exchange().finally(() => {
      current.pending = undefined;
    }));
  const credential = await pending;
  current.credential = credential;
  return credential.value;
}
