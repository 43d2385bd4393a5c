import { GatewayError } from '@one-api/llm-core';

/** The api-version One API's channel editor fills in for Azure when the admin gives none. */
export const AZURE_DEFAULT_API_VERSION = '2024-03-01-preview';

/**
 * The first api-version that takes `stream_options` (`include_usage`): Azure's changelog lists it among the changes
 * between 2024-08-01-preview and 2024-09-01-preview; older versions answer 400 "Unrecognized request argument
 * supplied: stream_options".
 */
export const AZURE_STREAM_OPTIONS_SINCE = '2024-09-01';

/**
 * Whether an Azure api-version accepts `stream_options`: dated versions from 2024-09-01(-preview) on (GA 2024-10-21
 * included); undated ones (`preview`, `latest`, `v1`) are the newest surface and take it.
 */
export function azureAcceptsStreamOptions(apiVersion: string): boolean {
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(apiVersion.trim());
  return !date || date[1] >= AZURE_STREAM_OPTIONS_SINCE;
}

/** GPT-5-family models, which the fork serves through Azure's Responses API whatever the caller's format. */
const AZURE_RESPONSES_MODEL = /^gpt-5/i;

export function prefersAzureResponses(model: string): boolean {
  return AZURE_RESPONSES_MODEL.test(model.trim());
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `config.api_version`, else the legacy `other` column (One API copies it there), else the UI default. */
export function azureApiVersion(config?: Record<string, unknown>, other?: string | null): string {
  return nonEmpty(config?.api_version) ?? nonEmpty(other) ?? AZURE_DEFAULT_API_VERSION;
}

/** Azure deployment names cannot hold dots: One API removes them (`gpt-3.5-turbo` → `gpt-35-turbo`). */
export function azureDeployment(model: string): string {
  return model.trim().replace(/\./g, '');
}

/**
 * Azure OpenAI's URL for an OpenAI endpoint path. Every task under `/v1/` (chat/completions, completions,
 * embeddings, images/generations, audio/transcriptions, audio/speech, ...) becomes
 * `{base}/openai/deployments/{model without dots}/{task}?api-version={version}`; the Responses API lives only on
 * Azure's version-less v1 surface, `{base}/openai/v1/responses[/{id}]`, where the deployment goes in the body's
 * `model`. A base that already ends in `/openai` is not given a second one.
 */
export function azureUrl(
  base: string,
  endpointPath: string,
  target: { model?: string; config?: Record<string, unknown>; other?: string | null },
): string {
  const root = base.endsWith('/openai') ? base : `${base}/openai`;
  const [path, query] = endpointPath.split('?', 2) as [string, string | undefined];
  const task = path.startsWith('/v1/') ? path.slice(4) : path.replace(/^\/+/, '');
  if (task === 'responses' || task.startsWith('responses/'))
    return `${root}/v1/${task}${query ? `?${query}` : ''}`;
  const model = nonEmpty(target.model);
  if (!model) {
    throw new GatewayError({
      kind: 'invalid-request',
      message: 'a model is required: Azure routes every call to the deployment named after it',
      param: 'model',
    });
  }
  const params = new URLSearchParams(query ?? '');
  params.set('api-version', azureApiVersion(target.config, target.other));
  return `${root}/deployments/${encodeURIComponent(azureDeployment(model))}/${task}?${params.toString()}`;
}
