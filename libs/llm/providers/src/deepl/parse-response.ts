import {
  GatewayError,
  isRecord,
  kindForHttpStatus,
  tryParseJson,
  upstreamFallbackMessage,
  type CanonicalResponse,
  type HeaderValues,
  type StreamDecoder,
  type StreamEvent,
} from '@one-api/llm-core';
import { retryAfterMs } from '../openai/parse-error';

/** `{translations: [{detected_source_language, text}]}` → one assistant message; usage is left to the estimate. */
export function parseDeeplResponse(json: unknown): CanonicalResponse {
  const translations = isRecord(json) && Array.isArray(json.translations) ? json.translations : undefined;
  if (!translations) throw new GatewayError({ kind: 'upstream', message: 'DeepL answered no translations' });
  const text = translations
    .flatMap((t) => (isRecord(t) && typeof t.text === 'string' ? [t.text] : []))
    .join('\n');
  return {
    id: `deepl-${Date.now().toString(36)}`,
    model: '',
    created: Math.floor(Date.now() / 1000),
    content: text ? [{ type: 'text', text }] : [],
    finishReason: { reason: 'stop', raw: null },
  };
}

/** DeepL answers a whole JSON body; a streaming caller gets it as one delta. */
export class DeeplStreamDecoder implements StreamDecoder {
  private readonly utf8 = new TextDecoder();
  private text = '';
  private ended = false;

  push(chunk: string | Uint8Array): StreamEvent[] {
    this.text += typeof chunk === 'string' ? chunk : this.utf8.decode(chunk, { stream: true });
    return [];
  }

  end(): StreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    this.text += this.utf8.decode();
    let response: CanonicalResponse;
    try {
      response = parseDeeplResponse(tryParseJson(this.text));
    } catch (error) {
      return [{ type: 'error', error: error as GatewayError }];
    }
    const events: StreamEvent[] = [
      { type: 'response-start', id: response.id, model: '', created: response.created },
    ];
    for (const part of response.content)
      if (part.type === 'text') events.push({ type: 'text-delta', text: part.text });
    events.push({ type: 'finish', reason: 'stop', raw: null });
    return events;
  }
}

/** DeepL errors: `{message}` with 403 (bad key / wrong endpoint), 456 (quota exceeded), 429, 413, 5xx. */
export function parseDeeplError(status: number, bodyText: string, headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  const message =
    isRecord(body) && typeof body.message === 'string' && body.message !== ''
      ? body.message + (typeof body.detail === 'string' ? `: ${body.detail}` : '')
      : upstreamFallbackMessage(status, bodyText);
  // 456 "Quota exceeded": the channel's character allowance is used up; another channel may still serve.
  if (status === 456)
    return new GatewayError({
      kind: 'upstream',
      status: 502,
      retryable: true,
      message,
      raw: body ?? bodyText,
    });
  return new GatewayError({
    kind: status === 403 ? 'auth' : kindForHttpStatus(status),
    status,
    message,
    retryAfterMs: retryAfterMs(headers),
    raw: body ?? bodyText,
  });
}
