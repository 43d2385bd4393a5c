import {
  invalidRequest,
  type CanonicalRequest,
  type JsonObject,
  type UpstreamChannel,
  type UpstreamHttpRequest,
} from '@one-api/llm-core';
import { nativeBaseUrl } from '../native-base-url';
import { flattenToPrompt } from './prompt';

/**
 * The API root (`…/v1`) of a channel: One API's default base is `https://api.replicate.com/v1/models/`, but a
 * plain `https://api.replicate.com` (or `…/v1`) is accepted too.
 */
export function replicateApiRoot(channel: UpstreamChannel): string {
  const base = nativeBaseUrl(channel).replace(/\/models$/, '');
  return /\/v1$/.test(base) ? base : `${base}/v1`;
}

/**
 * `POST {root}/models/{owner}/{name}/predictions` for an official model; a pinned version (`owner/name:version`)
 * goes to `POST {root}/predictions` with `version` in the body.
 */
export function replicateCreateUrl(channel: UpstreamChannel, model: string): string {
  const root = replicateApiRoot(channel);
  if (model.includes(':')) return `${root}/predictions`;
  if (!/^[^/\s]+\/[^/\s]+$/.test(model))
    throw invalidRequest(`Replicate models are named owner/name (got "${model}")`, 'model');
  return `${root}/models/${model}/predictions`;
}

export function replicateHeaders(channel: UpstreamChannel): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (channel.key) headers.Authorization = `Bearer ${channel.key}`;
  return headers;
}

/** How long a create call may wait for the prediction to finish (`Prefer: wait=N`, at most 60 on Replicate). */
export const REPLICATE_PREFER_WAIT_SECONDS = 60;

/**
 * The channel's `config.prefer_wait` (seconds, 0 = do not ask), else 60. Lower it below RELAY_TIMEOUT when that is set
 * under a minute: a create call held by Replicate would otherwise time out and the answer be lost.
 */
export function preferWaitSeconds(channel: UpstreamChannel): number {
  const value = channel.config.prefer_wait;
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(seconds)) return REPLICATE_PREFER_WAIT_SECONDS;
  return Math.max(0, Math.min(REPLICATE_PREFER_WAIT_SECONDS, Math.floor(seconds)));
}

/** Canonical request → the create-prediction call; the exchange hook then polls or streams it. */
export function buildReplicateRequest(
  request: CanonicalRequest,
  channel: UpstreamChannel,
): UpstreamHttpRequest {
  const { prompt, systemPrompt, warnings } = flattenToPrompt(request);
  const input: JsonObject = { prompt };
  if (systemPrompt !== '') input.system_prompt = systemPrompt;
  const s = request.sampling;
  // Llama 3 and later read max_tokens, older language models max_new_tokens; each ignores the other.
  if (s.maxTokens !== undefined) {
    input.max_tokens = s.maxTokens;
    input.max_new_tokens = s.maxTokens;
  }
  if (s.temperature !== undefined) input.temperature = s.temperature;
  if (s.topP !== undefined) input.top_p = s.topP;
  if (s.topK !== undefined) input.top_k = s.topK;
  if (s.stop !== undefined && s.stop.length > 0) input.stop_sequences = s.stop.join(',');
  if (s.seed !== undefined) input.seed = s.seed;
  if (s.presencePenalty !== undefined) input.presence_penalty = s.presencePenalty;
  if (s.frequencyPenalty !== undefined) input.frequency_penalty = s.frequencyPenalty;
  if (s.n !== undefined && s.n > 1) warnings.push('n > 1 was dropped: a prediction has one output');

  const [, version] = request.model.split(':', 2);
  const body: JsonObject = version ? { version, input } : { input };
  if (request.stream) body.stream = true;
  const headers = replicateHeaders(channel);
  // A non-stream call lets Replicate hold the create request until the output is ready: usually no polling at all.
  const wait = preferWaitSeconds(channel);
  if (!request.stream && wait > 0) headers.Prefer = `wait=${wait}`;
  return {
    url: replicateCreateUrl(channel, request.model),
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    warnings,
  };
}
