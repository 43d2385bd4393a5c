import {
  invalidRequest,
  type CanonicalRequest,
  type JsonObject,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UserMessage,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';

/** One API names Coze bots `bot-<bot id>` in channel model lists; the id is what Coze takes. */
export const COZE_BOT_PREFIX = 'bot-';

export function cozeBotId(model: string): string {
  return model.startsWith(COZE_BOT_PREFIX) ? model.slice(COZE_BOT_PREFIX.length) : model;
}

/** The API root of a channel (`https://api.coze.com` by default; `…/v3` is accepted). */
export function cozeApiRoot(channel: UpstreamChannel): string {
  return nativeBaseUrl(channel).replace(/\/v3$/, '');
}

/** The Coze user the conversation runs as: config.user_id (as in One API), else the caller's `user`, else a fixed id. */
export function cozeUserId(channel: UpstreamChannel, request: CanonicalRequest): string {
  const configured = channel.config.user_id;
  if (typeof configured === 'string' && configured !== '') return configured;
  return request.user && request.user !== '' ? request.user : 'one-api';
}

function textMessage(role: 'user' | 'assistant', content: string): JsonObject {
  return role === 'assistant'
    ? { role, type: 'answer', content, content_type: 'text' }
    : { role, content, content_type: 'text' };
}

/**
 * A user turn: plain text, or Coze's multimodal `object_string` (a JSON array of `{type: text|image, text|file_url}`)
 * when it has images given by URL. Inline (base64) images would need Coze's file upload first and are dropped.
 */
function userMessage(message: UserMessage, warn: (m: string) => void): JsonObject | undefined {
  const items: JsonObject[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      if (part.text !== '') items.push({ type: 'text', text: part.text });
    } else if (part.type === 'image' && part.source.kind === 'url' && /^https?:\/\//i.test(part.source.url)) {
      items.push({ type: 'image', file_url: part.source.url });
    } else warn(`${part.type} parts that are not http(s) image URLs were dropped: Coze needs uploaded files`);
  }
  if (items.length === 0) return undefined;
  if (items.every((item) => item.type === 'text'))
    return textMessage('user', items.map((item) => item.text as string).join('\n'));
  return { role: 'user', content: JSON.stringify(items), content_type: 'object_string' };
}

/**
 * Canonical request → `POST /v3/chat`. Coze takes a bot, a user and `additional_messages` of user / assistant turns;
 * the bot's own configuration sets model, persona, sampling and plugins, so system text becomes a leading user turn
 * and tools and sampling settings are dropped (with warnings). The call is always made as a stream: non-stream v3
 * chats are asynchronous, and the exchange hook reads the stream to the end instead of polling.
 */
export function buildCozeRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest {
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message);
  };
  const messages: JsonObject[] = [];
  const system = request.system.map((part) => part.text).filter((text) => text !== '');
  if (system.length > 0) {
    warn('system instructions were sent as a user turn: a Coze bot has its own persona');
    messages.push(textMessage('user', system.join('\n')));
  }
  for (const message of request.messages) {
    if (message.role === 'system') {
      warn('system instructions were sent as a user turn: a Coze bot has its own persona');
      messages.push(textMessage('user', message.content.map((part) => part.text).join('\n')));
    } else if (message.role === 'user') {
      const built = userMessage(message, warn);
      if (built) messages.push(built);
    } else if (message.role === 'assistant') {
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      if (message.content.some((part) => part.type === 'tool-call'))
        warn('tool calls of earlier turns were dropped: Coze bots call their own plugins');
      if (text !== '') messages.push(textMessage('assistant', text));
    } else {
      warn('tool results were sent as user text: Coze bots call their own plugins');
      for (const result of message.content)
        messages.push(
          textMessage(
            'user',
            result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'),
          ),
        );
    }
  }
  if (!messages.some((message) => message.role === 'user'))
    throw invalidRequest('Coze needs at least one user message', 'messages');
  if ((request.tools ?? []).length > 0)
    warn('tools were dropped: Coze bots call the plugins configured on the bot');
  const s = request.sampling;
  if (
    [s.temperature, s.topP, s.topK, s.maxTokens, s.seed, s.presencePenalty, s.frequencyPenalty].some(
      (value) => value !== undefined,
    ) ||
    (s.stop ?? []).length > 0
  )
    warn('sampling settings were dropped: a Coze bot uses the model settings it was configured with');
  if (request.responseFormat && request.responseFormat.type !== 'text')
    warn('response_format was dropped: Coze has no structured output setting');

  const body: JsonObject = {
    bot_id: cozeBotId(request.model),
    user_id: cozeUserId(channel, request),
    stream: true,
    additional_messages: messages,
  };
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
  // An OAuth JWT channel's key is the app's JSON: the authorize hook puts the exchanged token here instead.
  if (channel.key && channel.config.auth_type !== 'oauth_jwt')
    headers.Authorization = `Bearer ${channel.key}`;
  return {
    url: `${cozeApiRoot(channel)}/v3/chat`,
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    warnings,
  };
}
