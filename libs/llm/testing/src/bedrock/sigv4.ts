import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Why a request's signature was refused, in the exception Bedrock answers with. */
export interface SigV4Failure {
  exception:
    | 'MissingAuthenticationTokenException'
    | 'IncompleteSignatureException'
    | 'UnrecognizedClientException'
    | 'InvalidSignatureException';
  message: string;
}

export interface SigV4Check {
  method: string;
  /** The request target exactly as received (path, escaped as sent, and query). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Access key id → secret access key. */
  secrets: ReadonlyMap<string, string>;
  /** The signing name the scope must carry. */
  service: string;
  /** The region the scope must carry; any region when undefined. */
  region?: string;
  now: number;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const FIFTEEN_MINUTES = 15 * 60 * 1000;

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 escaping as SigV4 defines it: everything but unreserved characters, `%XX` upper case. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The canonical URI of a path as received: dot segments resolved, empty segments dropped, and each segment
 * escaped once more (every AWS service but S3 signs the path double-escaped).
 */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  const joined = `/${segments.join('/')}`;
  return path.endsWith('/') && segments.length > 0 ? `${joined}/` : joined;
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeURIComponent(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
      return [uriEncode(name), uriEncode(value)] as const;
    })
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function headerText(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

/** `20261126T153000Z` → epoch ms. */
function amzDateMs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/**
 * Verifies an AWS Signature Version 4 `Authorization` header the way AWS does, written from the published
 * algorithm (canonical request → string to sign → HMAC chain of date, region, service): the request must name a
 * known access key, sign `host` and `x-amz-date`, be dated within 15 minutes, and carry the signature the secret
 * gives. Returns undefined when it holds.
 */
export function verifySigV4(check: SigV4Check): SigV4Failure | undefined {
  const authorization = headerText(check.headers.authorization);
  if (authorization === '') {
    return { exception: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  }
  const m = AUTH.exec(authorization);
  if (!m) {
    return {
      exception: 'IncompleteSignatureException',
      message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${authorization.split(' ')[0]}`,
    };
  }
  const [, accessKeyId, shortDate, region, service, signedHeaderList, signature] = m;
  const secret = check.secrets.get(accessKeyId);
  if (secret === undefined) {
    return {
      exception: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  const amzDate = headerText(check.headers['x-amz-date']);
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date') || amzDate === '') {
    return {
      exception: 'IncompleteSignatureException',
      message: 'The request must sign the host and x-amz-date headers.',
    };
  }
  const signedAt = amzDateMs(amzDate);
  if (
    !Number.isFinite(signedAt) ||
    Math.abs(check.now - signedAt) > FIFTEEN_MINUTES ||
    !amzDate.startsWith(shortDate)
  ) {
    return {
      exception: 'InvalidSignatureException',
      message: `Signature expired: ${amzDate} is now earlier or later than the allowed 15 minutes.`,
    };
  }
  if (service !== check.service || (check.region !== undefined && region !== check.region)) {
    return {
      exception: 'InvalidSignatureException',
      message: `Credential should be scoped to a valid region and to the service '${check.service}'.`,
    };
  }
  const q = check.url.indexOf('?');
  const path = q === -1 ? check.url : check.url.slice(0, q);
  const query = q === -1 ? '' : check.url.slice(q + 1);
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${headerText(check.headers[name])}\n`)
    .join('');
  const canonicalRequest = [
    check.method,
    canonicalUri(path),
    canonicalQuery(query),
    canonicalHeaders,
    signedHeaderList,
    sha256Hex(Buffer.from(check.body, 'utf8')),
  ].join('\n');
  const scope = `${shortDate}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, shortDate), region), service), 'aws4_request');
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      exception: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return undefined;
}
