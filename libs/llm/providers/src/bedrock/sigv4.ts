import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { UpstreamHttpRequest } from '@one-api/llm-core';
import type { BedrockCredentials } from './credentials';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 / HMAC-SHA256 from node:crypto in the checksum shape the signer takes (no extra crypto package). */
class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

/** The signing name of the Bedrock runtime (`bedrock`, not `bedrock-runtime`). */
export const BEDROCK_SIGNING_SERVICE = 'bedrock';

/**
 * Signs a built request with AWS Signature Version 4 over its final URL, headers and body: adds `host`,
 * `x-amz-date`, `x-amz-content-sha256` and `authorization`. The path is signed as sent (the model id already
 * escaped once; the signer escapes it again, as AWS requires for every service but S3).
 */
export async function signBedrockRequest(
  request: UpstreamHttpRequest,
  credentials: BedrockCredentials,
  signingDate: Date,
): Promise<UpstreamHttpRequest> {
  const url = new URL(request.url);
  const signer = new SignatureV4({
    service: BEDROCK_SIGNING_SERVICE,
    region: credentials.region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    sha256: NodeSha256,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // Signatures from an earlier attempt are replaced, never merged.
    if (!['authorization', 'x-amz-date', 'x-amz-content-sha256', 'host'].includes(name.toLowerCase()))
      headers[name] = value;
  }
  headers.host = url.host;
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: url.pathname,
      query,
      headers,
      body: request.body,
    },
    { signingDate },
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) out[name] = String(value);
  return { ...request, headers: out };
}
