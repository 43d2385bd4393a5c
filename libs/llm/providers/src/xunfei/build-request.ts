import type { CanonicalRequest, TextPart, UpstreamChannel, UpstreamHttpRequest } from '@one-api/llm-core';
import { splitSparkKey } from './auth-url';
import { sparkDomain, sparkPath, sparkVersion } from './versions';

export const SPARK_DEFAULT_BASE = 'wss://spark-api.xf-yun.com';
/** Tells `exchange` whether the caller streams (never sent: a WebSocket carries no such header). */
export const SPARK_STREAM_MARKER = 'x-gateway-spark-stream';

function textOf(parts: Array<{ type: string }>): string {
  return parts.flatMap((p) => (p.type === 'text' ? [(p as TextPart).text] : [])).join('\n');
}

function wsBase(channel: UpstreamChannel): string {
  let base = (channel.baseUrl || SPARK_DEFAULT_BASE).trim().replace(/^http/, 'ws');
  while (base.endsWith('/')) base = base.slice(0, -1);
  return base;
}

/**
 * Canonical → the Spark v1 WebSocket request frame `{header: {app_id}, parameter: {chat: {domain, ...}},
 * payload: {message: {text: [{role, content}]}}}`; the URL is signed per attempt in `exchange`.
 */
export function buildSparkRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest {
  const warnings: string[] = [];
  const { appId } = splitSparkKey(channel.key);
  const version = sparkVersion(request.model, channel.config, channel.other);
  const text: Array<{ role: string; content: string }> = [];
  const system = textOf(request.system);
  if (system) text.push({ role: 'system', content: system });
  for (const message of request.messages) {
    if (message.role === 'tool') {
      text.push({ role: 'user', content: message.content.map((r) => textOf(r.content)).join('\n') });
      continue;
    }
    text.push({ role: message.role, content: textOf(message.content) });
  }
  if (request.tools?.length) warnings.push('tools were dropped: the gateway sends Spark v1 text only');
  if (request.responseFormat && request.responseFormat.type !== 'text')
    warnings.push('response_format was dropped: Spark v1 has no output format');
  const chat: Record<string, unknown> = { domain: sparkDomain(version) };
  const s = request.sampling;
  if (s.temperature !== undefined) chat.temperature = s.temperature;
  if (s.maxTokens !== undefined) chat.max_tokens = s.maxTokens;
  if (s.topK !== undefined) chat.top_k = s.topK;
  if (request.user !== undefined) chat.user = request.user;
  return {
    url: wsBase(channel) + sparkPath(version),
    method: 'GET',
    headers: request.stream ? { [SPARK_STREAM_MARKER]: '1' } : {},
    body: JSON.stringify({
      header: { app_id: appId, ...(request.user ? { uid: request.user.slice(0, 32) } : {}) },
      parameter: { chat },
      payload: { message: { text } },
    }),
    warnings,
  };
}
