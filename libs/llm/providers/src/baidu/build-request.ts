import type {
  CanonicalMessage,
  CanonicalRequest,
  TextPart,
  UpstreamChannel,
  UpstreamHttpRequest,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';
import { ernieChatEndpoint } from './endpoints';

export const ERNIE_CHAT_PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/';

type WireObject = Record<string, unknown>;
type ErnieRole = 'user' | 'assistant' | 'function';

function textOf(parts: Array<{ type: string }>, warnings: string[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type === 'text') texts.push((part as TextPart).text);
    else if (part.type !== 'reasoning' && part.type !== 'tool-call') {
      const warning = 'non-text parts were dropped: ERNIE chat takes text only';
      if (!warnings.includes(warning)) warnings.push(warning);
    }
  }
  return texts.join('\n');
}

/**
 * ERNIE wants `system` apart and the turns alternating user / assistant (an odd count ending with the user): later
 * system messages join `system`, consecutive turns of one role are merged, tool calls are ERNIE `function_call`s and
 * their results `function` turns named after the call.
 */
function ernieMessages(
  request: CanonicalRequest,
  warnings: string[],
): { system: string; messages: WireObject[] } {
  const system = [textOf(request.system, warnings)];
  const messages: Array<WireObject & { role: ErnieRole }> = [];
  const toolNames = new Map<string, string>();
  const push = (message: WireObject & { role: ErnieRole }) => {
    const last = messages.at(-1);
    if (
      last &&
      last.role === message.role &&
      message.role !== 'function' &&
      !last.function_call &&
      !message.function_call
    ) {
      last.content = [last.content, message.content].filter((c) => c !== '').join('\n');
    } else messages.push(message);
  };
  for (const message of request.messages as CanonicalMessage[]) {
    switch (message.role) {
      case 'system':
        system.push(textOf(message.content, warnings));
        break;
      case 'user':
        push({ role: 'user', content: textOf(message.content, warnings) });
        break;
      case 'assistant': {
        const call = message.content.find((part) => part.type === 'tool-call');
        const content = textOf(message.content, warnings);
        if (call && call.type === 'tool-call') {
          toolNames.set(call.id, call.name);
          if (message.content.filter((part) => part.type === 'tool-call').length > 1)
            warnings.push(
              'only the first of several parallel tool calls was sent: ERNIE takes one function_call',
            );
          push({ role: 'assistant', content, function_call: { name: call.name, arguments: call.arguments } });
        } else push({ role: 'assistant', content });
        break;
      }
      case 'tool':
        for (const result of message.content)
          push({
            role: 'function',
            name: result.name ?? toolNames.get(result.toolCallId) ?? '',
            content: textOf(result.content, warnings),
          });
        break;
    }
  }
  return { system: system.filter((s) => s !== '').join('\n'), messages };
}

/** Canonical → an ERNIE chat call; the access token is added by `authorize` (it needs an exchange). */
export function buildBaiduRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest {
  const warnings: string[] = [];
  const { system, messages } = ernieMessages(request, warnings);
  const body: WireObject = { messages };
  if (system) body.system = system;
  const s = request.sampling;
  if (s.temperature !== undefined) body.temperature = s.temperature;
  if (s.topP !== undefined) body.top_p = s.topP;
  if (typeof request.extra?.penalty_score === 'number') body.penalty_score = request.extra.penalty_score;
  if (s.maxTokens !== undefined) body.max_output_tokens = s.maxTokens;
  if (s.stop !== undefined) body.stop = s.stop;
  if (request.stream) body.stream = true;
  if (request.user !== undefined) body.user_id = request.user;
  const format = request.responseFormat;
  if (format && format.type !== 'text') {
    // ERNIE knows JSON output but not schemas: the schema stays only in the caller's instructions
    body.response_format = 'json_object';
    if (format.type === 'json_schema')
      warnings.push('the JSON schema was dropped: ERNIE takes response_format json_object');
  }
  if (request.tools?.length)
    body.functions = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description ?? '',
      parameters: tool.parameters ?? { type: 'object', properties: {} },
    }));
  for (const [name, value] of [
    ['top_k', s.topK],
    ['seed', s.seed],
    ['frequency_penalty', s.frequencyPenalty],
    ['presence_penalty', s.presencePenalty],
  ] as const)
    if (value !== undefined) warnings.push(`${name} was dropped: ERNIE does not accept it`);
  return {
    url: nativeBaseUrl(channel) + ERNIE_CHAT_PATH + ernieChatEndpoint(request.model),
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(request.stream ? { Accept: 'text/event-stream' } : {}),
    },
    body: JSON.stringify(body),
    warnings,
  };
}
