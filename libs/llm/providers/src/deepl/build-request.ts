import {
  GatewayError,
  type CanonicalRequest,
  type UpstreamChannel,
  type UpstreamHttpRequest,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';

/** One API names DeepL models `deepl-<target language>`: `deepl-zh`, `deepl-en`, `deepl-ja`, `deepl-en-gb`. */
export function deeplTargetLang(model: string): string {
  const match = /^deepl-([a-z]{2}(?:-[a-z]{2,4})?)$/i.exec(model);
  if (!match)
    throw new GatewayError({
      kind: 'invalid-request',
      status: 400,
      param: 'model',
      message: `DeepL models are named deepl-<target language> (e.g. deepl-zh); "${model}" names no language`,
    });
  return match[1].toUpperCase();
}

/** The text to translate: the last user message (a translation call has no conversation). */
export function deeplSourceText(request: CanonicalRequest): string {
  const user = [...request.messages].reverse().find((message) => message.role === 'user');
  const text = user?.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n') ?? '';
  if (text.trim() === '')
    throw new GatewayError({
      kind: 'invalid-request',
      status: 400,
      message: 'there is no user text to translate',
    });
  return text;
}

/** Canonical → `POST /v2/translate {text: [...], target_lang}`; DeepL never streams, the decoder replays the answer. */
export function buildDeeplRequest(request: CanonicalRequest, channel: UpstreamChannel): UpstreamHttpRequest {
  const warnings: string[] = [];
  if (request.system.length > 0 || request.messages.length > 1)
    warnings.push('only the last user message was translated: DeepL has no conversation or instructions');
  if (request.tools?.length) warnings.push('tools were dropped: DeepL translates text only');
  return {
    url: `${nativeBaseUrl(channel)}/v2/translate`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `DeepL-Auth-Key ${channel.key}` },
    body: JSON.stringify({ text: [deeplSourceText(request)], target_lang: deeplTargetLang(request.model) }),
    warnings,
  };
}
