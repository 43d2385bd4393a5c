import { verifySigV4 } from '@one-api/llm-testing';
import { signBedrockRequest } from './sigv4';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
};
const secrets = new Map([[credentials.accessKeyId, credentials.secretAccessKey]]);

describe("the fake's SigV4 verifier", () => {
  // AWS's published Signature Version 4 test suite, case "get-vanilla".
  const vanilla = {
    method: 'GET',
    url: '/',
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    },
    body: '',
    secrets,
    service: 'service',
    now: Date.UTC(2015, 7, 30, 12, 36, 0),
  };

  it('accepts the published signature of the AWS test suite', () => {
    expect(verifySigV4(vanilla)).toBeUndefined();
  });

  it('refuses it for another path, body, secret, service or time', () => {
    expect(verifySigV4({ ...vanilla, url: '/x' })?.exception).toBe('InvalidSignatureException');
    expect(verifySigV4({ ...vanilla, body: 'x' })?.exception).toBe('InvalidSignatureException');
    expect(verifySigV4({ ...vanilla, secrets: new Map([['AKIDEXAMPLE', 'other']]) })?.exception).toBe(
      'InvalidSignatureException',
    );
    expect(verifySigV4({ ...vanilla, service: 'bedrock' })?.exception).toBe('InvalidSignatureException');
    expect(verifySigV4({ ...vanilla, now: vanilla.now + 16 * 60_000 })?.message).toMatch(
      /^Signature expired/,
    );
    expect(verifySigV4({ ...vanilla, secrets: new Map() })?.exception).toBe('UnrecognizedClientException');
    expect(verifySigV4({ ...vanilla, headers: { host: 'example.amazonaws.com' } })?.exception).toBe(
      'MissingAuthenticationTokenException',
    );
  });
});

describe('signBedrockRequest', () => {
  const request = {
    url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke',
    method: 'POST' as const,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: 'Bearer stale',
    },
    body: '{"anthropic_version":"bedrock-2023-05-31","max_tokens":16,"messages":[{"role":"user","content":"Hé ☀"}]}',
    warnings: [],
  };
  const at = new Date(Date.UTC(2026, 10, 26, 15, 30, 0));

  it('signs host, date, payload hash and content headers for service bedrock; the signature verifies', async () => {
    const signed = await signBedrockRequest(request, credentials, at);
    expect(signed.headers).toMatchObject({
      host: 'bedrock-runtime.us-east-1.amazonaws.com',
      'x-amz-date': '20261126T153000Z',
      'x-amz-content-sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261126\/us-east-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
      ),
    });
    const url = new URL(signed.url);
    const check = {
      method: 'POST',
      url: url.pathname + url.search,
      headers: signed.headers,
      body: signed.body,
      secrets,
      service: 'bedrock',
      region: 'us-east-1',
      now: at.getTime(),
    };
    expect(verifySigV4(check)).toBeUndefined();
    expect(verifySigV4({ ...check, region: 'eu-west-1' })?.exception).toBe('InvalidSignatureException');
  });

  it('signing again (a retry) replaces the earlier signature instead of keeping both', async () => {
    const once = await signBedrockRequest(request, credentials, at);
    const later = new Date(at.getTime() + 60_000);
    const twice = await signBedrockRequest(once, credentials, later);
    expect(twice.headers['x-amz-date']).toBe('20261126T153100Z');
    expect(Object.keys(twice.headers).filter((h) => h.toLowerCase() === 'authorization')).toHaveLength(1);
    expect(twice.headers.authorization).not.toBe(once.headers.authorization);
  });
});
