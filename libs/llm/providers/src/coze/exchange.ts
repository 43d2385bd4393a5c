import {
  isRecord,
  SseParser,
  tryParseJson,
  type JsonObject,
  type UpstreamExchangeResponse,
  type UpstreamHttpRequest,
  type UpstreamIo,
} from '@one-api/llm-core';
import { bufferedAnswer, peekSseStream } from '../exchange-body';
import { cozeCodeStatus } from './parse-error';

function header(response: UpstreamExchangeResponse, name: string): string {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** A Coze business error (`{code, msg}` with HTTP 200) as the HTTP answer the relay's error handling reads. */
function businessError(code: number, text: string): UpstreamExchangeResponse {
  return bufferedAnswer(cozeCodeStatus(code), 'application/json', text);
}

const FAILURE_EVENTS = new Set(['error', 'conversation.chat.failed', 'conversation.chat.requires_action']);

/** The business code of an `error` event (`{code, msg}`) or a failed chat (`last_error.code`). */
function failureCode(payload: JsonObject): number {
  if (typeof payload.code === 'number' && payload.code !== 0) return payload.code;
  const last = isRecord(payload.last_error) ? payload.last_error : {};
  return typeof last.code === 'number' && last.code !== 0 ? last.code : 5000;
}

/**
 * Folds a whole v3 chat stream into `{chat, messages}` — the chat of `conversation.chat.completed` and the messages
 * of `conversation.message.completed` (deltas joined for a message that never completed) — or the error that ended
 * it.
 */
export function foldCozeStream(text: string): {
  chat?: JsonObject;
  messages: JsonObject[];
  error?: JsonObject;
} {
  const parser = new SseParser({ dispatchIncompleteOnEnd: true });
  const events = [...parser.push(text), ...parser.end()];
  const completed = new Map<string, JsonObject>();
  const partial = new Map<string, JsonObject>();
  let chat: JsonObject | undefined;
  for (const { event, data } of events) {
    const payload = tryParseJson(data);
    if (event === 'error')
      return { messages: [], error: isRecord(payload) ? payload : { code: 5000, msg: data } };
    if (!isRecord(payload)) continue;
    if (event === 'conversation.chat.failed' || event === 'conversation.chat.requires_action')
      return {
        messages: [],
        error: { ...payload, code: failureCode(payload) },
      };
    if (event === 'conversation.chat.completed') chat = payload;
    const id = String(payload.id ?? '');
    if (event === 'conversation.message.completed') completed.set(id, payload);
    if (event === 'conversation.message.delta') {
      const seen = partial.get(id);
      partial.set(id, {
        ...payload,
        content: `${(seen?.content as string | undefined) ?? ''}${typeof payload.content === 'string' ? payload.content : ''}`,
        reasoning_content: `${(seen?.reasoning_content as string | undefined) ?? ''}${
          typeof payload.reasoning_content === 'string' ? payload.reasoning_content : ''
        }`,
      });
    }
  }
  const messages = [...partial.keys(), ...completed.keys()]
    .filter((id, index, all) => all.indexOf(id) === index)
    .map((id) => completed.get(id) ?? (partial.get(id) as JsonObject));
  return { chat, messages };
}

/**
 * Sends the chat (always as a stream, see buildCozeRequest) and hands the relay what it understands:
 * - Coze's business errors, which arrive as a JSON body `{code, msg}` with HTTP 200 even for stream calls, become the
 *   HTTP status they mean (4100 → 401, 4013 → 429, ...), so the relay maps them and may try another channel;
 * - a stream caller gets the SSE stream as it comes;
 * - a non-stream caller gets the stream read to the end and folded into `{chat, messages}` for parseResponse.
 * Reading the stream replaces Coze's non-stream mode, which would need polling `/v3/chat/retrieve` and then
 * `/v3/chat/message/list`: one request instead of several, and the answer as soon as the bot is done.
 */
export async function cozeExchange(request: UpstreamHttpRequest, io: UpstreamIo, callerStreams: boolean) {
  const response = await io.send({
    url: request.url,
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  if (response.statusCode < 200 || response.statusCode >= 300) return response;
  if (!header(response, 'content-type').includes('text/event-stream')) {
    const text = await response.body.text();
    const body = tryParseJson(text);
    const code = isRecord(body) && typeof body.code === 'number' ? body.code : 5000;
    return businessError(code === 0 ? 5000 : code, text);
  }
  if (callerStreams) {
    // A chat that fails before any answer (no balance, unpublished bot, ...) is answered as the HTTP error it means:
    // nothing reached the caller yet, so the relay may try another channel.
    const opened = await peekSseStream(response.body, (event) =>
      FAILURE_EVENTS.has(event.event)
        ? 'fail'
        : event.event === 'conversation.message.delta' || event.event === 'conversation.chat.completed'
          ? 'go'
          : 'wait',
    );
    if ('body' in opened) return { ...response, body: opened.body };
    const payload = tryParseJson(opened.failed?.data ?? '');
    const code = isRecord(payload) ? failureCode(payload) : 5000;
    return businessError(
      code,
      JSON.stringify(isRecord(payload) ? payload : { code, msg: 'the Coze stream ended early' }),
    );
  }
  const folded = foldCozeStream(await response.body.text());
  if (folded.error) {
    const code = typeof folded.error.code === 'number' ? folded.error.code : 5000;
    return businessError(code, JSON.stringify(folded.error));
  }
  if (!folded.chat)
    return bufferedAnswer(
      502,
      'application/json',
      JSON.stringify({ code: 5000, msg: 'the Coze stream ended before the chat completed' }),
    );
  return bufferedAnswer(
    200,
    'application/json',
    JSON.stringify({ chat: folded.chat, messages: folded.messages }),
  );
}
