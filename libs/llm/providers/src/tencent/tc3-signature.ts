import { createHash, createHmac } from 'node:crypto';

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /** e.g. `hunyuan` */
  service: string;
  /** the Host header the request is sent with */
  host: string;
  /** the exact body bytes */
  payload: string;
  /** Unix seconds */
  timestamp: number;
  contentType?: string;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/**
 * Tencent Cloud API v3 signature (TC3-HMAC-SHA256) of a `POST /` JSON call: a canonical request over the signed
 * headers `content-type;host` and the body hash, signed with a key derived from the secret, the UTC date and the
 * service. Returns the `Authorization` header value.
 */
export function tc3Authorization(input: Tc3Input): string {
  const contentType = input.contentType ?? 'application/json';
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host';
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${contentType}\nhost:${input.host}\n`,
    signedHeaders,
    sha256Hex(input.payload),
  ].join('\n');
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join(
    '\n',
  );
  const signingKey = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}
