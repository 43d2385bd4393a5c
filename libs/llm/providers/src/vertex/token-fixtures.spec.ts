/** The token endpoint's recorded answers replayed through the exchange (no network: a recorded io answers). */
import { generateKeyPairSync } from 'node:crypto';
import type { UpstreamIo } from '@one-api/llm-core';
import { serviceAccountAccessToken } from './access-token';
import type { ServiceAccount } from './credentials';
import { fixtureText } from './fixtures/read-fixture';

const ACCOUNT: ServiceAccount = {
  client_email: 'gateway@my-project.iam.gserviceaccount.com',
  private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string,
  private_key_id: 'c1f0a2b3d4e5f60718293a4b5c6d7e8f90a1b2c3',
  token_uri: 'https://oauth2.googleapis.com/token',
};

function replaying(status: number, fixture: string, now = 1_760_000_000_000) {
  const sent: Array<{ url: string; headers: Record<string, string>; body?: string | Uint8Array }> = [];
  const io: UpstreamIo = {
    async send(call) {
      sent.push(call);
      const text = fixtureText(fixture);
      return {
        statusCode: status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: Object.assign(
          (async function* () {
            yield Buffer.from(text);
          })(),
          { text: async () => text },
        ),
      };
    },
    signal: new AbortController().signal,
    now: () => now,
    cache: new Map(),
  };
  return { io, sent };
}

describe('token endpoint fixtures', () => {
  it('reads the access token of a recorded success and posts the grant as a form', async () => {
    const { io, sent } = replaying(200, 'token-response.json');
    expect(await serviceAccountAccessToken(ACCOUNT, io)).toBe(
      'ya29.c.c0ASRK0GZfakeVertexAccessToken0123456789',
    );
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe('https://oauth2.googleapis.com/token');
    expect(sent[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(String(sent[0].body)).toMatch(
      /^grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=[\w-]+\.[\w-]+\.[\w-]+$/,
    );
    // expires_in 3599: cached until five minutes before
    expect(await serviceAccountAccessToken(ACCOUNT, io)).toBe(
      'ya29.c.c0ASRK0GZfakeVertexAccessToken0123456789',
    );
    expect(sent).toHaveLength(1);
  });

  it('turns a recorded invalid_grant into a one-line channel error', async () => {
    const { io } = replaying(400, 'token-error-invalid-grant.json');
    await expect(serviceAccountAccessToken(ACCOUNT, io)).rejects.toMatchObject({
      kind: 'upstream',
      status: 502,
      retryable: true,
      message:
        'the Vertex AI access token was refused for gateway@my-project.iam.gserviceaccount.com: invalid_grant: Invalid JWT Signature.',
    });
  });
});
