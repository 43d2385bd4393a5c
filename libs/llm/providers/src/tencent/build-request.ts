import {
  GatewayError,
  type CanonicalRequest,
  type TextPart,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UpstreamIo,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';
import { tc3Authorization } from './tc3-signature';

export const HUNYUAN_ACTION = 'ChatCompletions';
export const HUNYUAN_VERSION = '2023-09-01';

type WireObject = Record<string, unknown>;

function textOf(parts: Array<{ type: string }>, warnings: string[]): string {
  const out: string[] = [];
  for (const part of parts) {
    if (part.type === 'text') out.push((part as TextPart).text);
    else if (part.type !== 'reasoning') {
      const warning = `${part.type} parts were dropped: the gateway sends Hunyuan text only`;
      if (!warnings.includes(warning)) warnings.push(warning);
    }
  }
  return out.join('\n');
}

/** Canonical → Hunyuan `ChatCompletions` (v2023-09-01): `{Model, Messages: [{Role, Content}], Stream, ...}`. */
export function buildTencentRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
): UpstreamHttpRequest {
  const warnings: string[] = [];
  const messages: WireObject[] = [];
  const system = textOf(request.system, warnings);
  if (system) messages.push({ Role: 'system', Content: system });
  for (const message of request.messages) {
    if (message.role === 'tool') {
      for (const result of message.content)
        messages.push({
          Role: 'tool',
          Content: textOf(result.content, warnings),
          ToolCallId: result.toolCallId,
        });
      continue;
    }
    const out: WireObject = { Role: message.role, Content: textOf(message.content, warnings) };
    const calls = message.content.flatMap((part) =>
      part.type === 'tool-call'
        ? [{ Id: part.id, Type: 'function', Function: { Name: part.name, Arguments: part.arguments } }]
        : [],
    );
    if (calls.length > 0) out.ToolCalls = calls;
    messages.push(out);
  }
  const body: WireObject = { Model: request.model, Messages: messages, Stream: request.stream };
  const s = request.sampling;
  if (s.temperature !== undefined) body.Temperature = s.temperature;
  if (s.topP !== undefined) body.TopP = s.topP;
  if (request.tools?.length) {
    // Hunyuan takes the JSON Schema as a string.
    const tools = request.tools.map((tool) => ({
      Type: 'function',
      Function: {
        Name: tool.name,
        Description: tool.description ?? '',
        Parameters: JSON.stringify(tool.parameters ?? { type: 'object', properties: {} }),
      },
    }));
    body.Tools = tools;
    const choice = request.toolChoice;
    if (choice === 'auto' || choice === 'none') body.ToolChoice = choice;
    else if (choice === 'required')
      warnings.push('tool_choice "required" was sent as "auto": Hunyuan has no required choice');
    else if (choice && typeof choice === 'object') {
      const tool = tools.find((t) => t.Function.Name === choice.name);
      body.ToolChoice = 'custom';
      body.CustomTool = tool;
    }
  }
  for (const [name, value] of [
    ['max_tokens', s.maxTokens],
    ['stop', s.stop],
    ['top_k', s.topK],
    ['seed', s.seed],
  ] as const)
    if (value !== undefined) warnings.push(`${name} was dropped: Hunyuan ChatCompletions does not accept it`);
  if (request.responseFormat && request.responseFormat.type !== 'text')
    warnings.push('response_format was dropped: the gateway sends Hunyuan no output format');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-TC-Action': HUNYUAN_ACTION,
    'X-TC-Version': HUNYUAN_VERSION,
  };
  const region = channel.config.region;
  if (typeof region === 'string' && region.trim() !== '') headers['X-TC-Region'] = region.trim();
  return { url: `${nativeBaseUrl(channel)}/`, method: 'POST', headers, body: JSON.stringify(body), warnings };
}

/** Splits the key `AppId|SecretId|SecretKey` (the AppId is not part of the v3 signature). */
export function splitTencentKey(key: string): { appId: string; secretId: string; secretKey: string } {
  const parts = key.split('|').map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => p === ''))
    throw new GatewayError({
      kind: 'upstream',
      status: 502,
      retryable: true,
      message: 'the Tencent channel key must have the form AppId|SecretId|SecretKey',
    });
  return { appId: parts[0], secretId: parts[1], secretKey: parts[2] };
}

/** Signs the final request: `X-TC-Timestamp` and the TC3-HMAC-SHA256 `Authorization` over host and body. */
export async function authorizeTencent(
  request: UpstreamHttpRequest,
  channel: UpstreamChannel,
  io: UpstreamIo,
): Promise<UpstreamHttpRequest> {
  const { secretId, secretKey } = splitTencentKey(channel.key);
  const timestamp = Math.floor(io.now() / 1000);
  const authorization = tc3Authorization({
    secretId,
    secretKey,
    service: 'hunyuan',
    host: new URL(request.url).host,
    payload: request.body,
    timestamp,
  });
  return {
    ...request,
    headers: { ...request.headers, 'X-TC-Timestamp': String(timestamp), Authorization: authorization },
  };
}
