import {
  GatewayError,
  incompleteStreamEvent,
  isRecord,
  kindForHttpStatus,
  SseStreamDecoder,
  tryParseJson,
  upstreamFallbackMessage,
  type CanonicalRequest,
  type CanonicalResponse,
  type HeaderValues,
  type StreamEvent,
  type UpstreamAdapter,
  type UpstreamChannel,
  type UpstreamHttpRequest,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';

type WireObject = Record<string, unknown>;

/** The knowledge base: `config.library_id`, else the legacy `other` column (One API's carrier). */
export function libraryIdOf(channel: UpstreamChannel): string {
  const id = channel.config.library_id;
  const value = typeof id === 'string' && id.trim() !== '' ? id.trim() : (channel.other ?? '').trim();
  if (!value)
    throw new GatewayError({
      kind: 'upstream',
      status: 502,
      retryable: true,
      message: 'the AIProxy Library channel needs config.library_id',
    });
  return value;
}

/** Canonical → `POST /api/library/ask {model, query, libraryId, stream}`: the last user message is the query. */
export function buildLibraryRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
): UpstreamHttpRequest {
  const user = [...request.messages].reverse().find((m) => m.role === 'user');
  const query = user?.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n') ?? '';
  const warnings =
    request.messages.length > 1 || request.system.length > 0
      ? ['only the last user message was sent: a library question has no conversation']
      : [];
  return {
    url: `${nativeBaseUrl(channel)}/api/library/ask`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${channel.key}` },
    body: JSON.stringify({
      model: request.model,
      query,
      libraryId: libraryIdOf(channel),
      stream: request.stream,
    }),
    warnings,
  };
}

/** The cited documents, as One API appends them to the answer: a Markdown list of links. */
function documentsText(documents: unknown): string {
  if (!Array.isArray(documents) || documents.length === 0) return '';
  const lines = documents.flatMap((d) =>
    isRecord(d) && typeof d.title === 'string'
      ? [`- [${d.title}](${typeof d.url === 'string' ? d.url : ''})`]
      : [],
  );
  return lines.length > 0 ? `\n\nSources:\n${lines.join('\n')}` : '';
}

function libraryError(json: WireObject, status = 200): GatewayError | undefined {
  if (json.success !== false && !(typeof json.errCode === 'number' && json.errCode !== 0)) return undefined;
  const message =
    typeof json.message === 'string' && json.message ? json.message : 'AIProxy Library request failed';
  return new GatewayError({
    kind: status >= 400 ? kindForHttpStatus(status) : 'upstream',
    status: status >= 400 ? status : 502,
    message,
    providerCode: typeof json.errCode === 'number' ? String(json.errCode) : undefined,
    raw: json,
  });
}

/** `{success, answer, documents: [{title, url}], errCode, message}`; usage is left to the gateway's estimate. */
export function parseLibraryResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json))
    throw new GatewayError({ kind: 'upstream', message: 'AIProxy Library answered no JSON object' });
  const error = libraryError(json);
  if (error) throw error;
  const text = (typeof json.answer === 'string' ? json.answer : '') + documentsText(json.documents);
  return {
    id: `library-${Date.now().toString(36)}`,
    model: '',
    created: Math.floor(Date.now() / 1000),
    content: text ? [{ type: 'text', text }] : [],
    finishReason: { reason: 'stop', raw: null },
  };
}

/** `data: {content, finish, model, documents}` events; the documents arrive with the finishing one. */
export class LibraryStreamDecoder extends SseStreamDecoder {
  private started = false;
  private finished = false;

  protected onEvent(_name: string, data: string, events: StreamEvent[]): void {
    const json = tryParseJson(data);
    if (!isRecord(json) || this.finished) return;
    const error = libraryError(json);
    if (error) {
      this.finished = true;
      events.push({ type: 'error', error });
      return;
    }
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'response-start',
        id: `library-${Date.now().toString(36)}`,
        model: '',
        created: Math.floor(Date.now() / 1000),
      });
    }
    const text = (typeof json.content === 'string' ? json.content : '') + documentsText(json.documents);
    if (text) events.push({ type: 'text-delta', text });
    if (json.finish === true) {
      this.finished = true;
      events.push({ type: 'finish', reason: 'stop', raw: null });
    }
  }

  protected onEnd(events: StreamEvent[]): void {
    if (!this.finished) events.push(incompleteStreamEvent());
  }
}

export function parseLibraryError(status: number, bodyText: string, _headers?: HeaderValues): GatewayError {
  const body = tryParseJson(bodyText);
  return (
    (isRecord(body) ? libraryError(body, status) : undefined) ??
    new GatewayError({
      kind: kindForHttpStatus(status),
      status,
      message: upstreamFallbackMessage(status, bodyText),
    })
  );
}

/** AIProxy Library (channel type 21): questions to a knowledge base at aiproxy.io, answered with cited documents. */
export const aiProxyLibraryAdapter: UpstreamAdapter = {
  format: 'aiproxy-library',
  buildRequest: buildLibraryRequest,
  parseResponse: parseLibraryResponse,
  createStreamDecoder: () => new LibraryStreamDecoder(),
  parseError: parseLibraryError,
};
