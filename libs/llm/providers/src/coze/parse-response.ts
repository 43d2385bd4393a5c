import {
  asNumber,
  GatewayError,
  isRecord,
  type CanonicalResponse,
  type ResponseContentPart,
} from '@one-api/llm-core';
import { parseCozeError } from './parse-error';
import { cozeUsage, isCozeAnswer } from './stream-decoder';

/**
 * A finished non-stream chat → canonical. Coze answers it in two parts (`/v3/chat/retrieve` gives the chat with its
 * status and usage, `/v3/chat/message/list` its messages); the exchange hook hands over both as `{chat, messages}`.
 * The reply is the `answer` messages' content (reasoning from `reasoning_content`). A failed chat throws its error.
 */
export function parseCozeResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json) || !isRecord(json.chat)) {
    throw new GatewayError({ kind: 'upstream', message: 'upstream returned no chat', raw: json });
  }
  const chat = json.chat;
  if (chat.status !== 'completed') throw parseCozeError(502, JSON.stringify(chat));
  const messages = Array.isArray(json.messages) ? json.messages.filter(isRecord).filter(isCozeAnswer) : [];
  const content: ResponseContentPart[] = [];
  const reasoning = messages
    .map((m) => (typeof m.reasoning_content === 'string' ? m.reasoning_content : ''))
    .join('');
  if (reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('');
  if (text !== '') content.push({ type: 'text', text });
  const response: CanonicalResponse = {
    id: String(chat.id ?? ''),
    model: typeof chat.bot_id === 'string' ? chat.bot_id : '',
    created: asNumber(chat.created_at) ?? Math.floor(Date.now() / 1000),
    content,
    finishReason: { reason: 'stop', raw: 'completed' },
  };
  const usage = cozeUsage(chat);
  if (usage) response.usage = usage;
  return response;
}
