import type { IncomingHttpHeaders } from 'node:http';

/**
 * Never forwarded: One API's list (the upstream connection sets its own), plus the other hop-by-hop headers, which
 * describe the caller's connection (a chunked upload is re-framed upstream) and which undici refuses to send.
 */
const DROPPED = new Set([
  'host',
  'content-length',
  'accept-encoding',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);
/** Hop-by-hop headers of the upstream answer that describe that connection, not the body. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/**
 * The headers sent upstream: the caller's, except Host, Content-Length, Accept-Encoding and Connection, with
 * `Authorization` replaced by the raw channel key (no `Bearer`, as One API sends it). The header that carried the
 * gateway key never leaves the gateway.
 */
export function proxyRequestHeaders(
  inbound: IncomingHttpHeaders,
  channelKey: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const keyInXApiKey = !inbound.authorization && inbound['x-api-key'] !== undefined;
  for (const [name, value] of Object.entries(inbound)) {
    const lower = name.toLowerCase();
    if (value === undefined || DROPPED.has(lower) || lower === 'authorization') continue;
    if (lower === 'x-api-key' && keyInXApiKey) continue;
    out[lower] = value;
  }
  out.authorization = channelKey;
  return out;
}

/** The headers of the upstream answer passed to the caller. */
export function proxyResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream))
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  return out;
}
