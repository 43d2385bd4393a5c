import type { FakeExchange } from '../core/exchange';
import { type FakeProtocol, type FakeProvider, startFakeServer } from '../core/fake-server';
import { type FakeOpenAIOptions, openAIProtocol } from '../openai/fake-openai';

export interface FakeAzureOpenAIOptions extends FakeOpenAIOptions {
  /** The key accepted in the `api-key` header; default: any non-empty key. */
  apiKey?: string;
  /** The only `api-version` accepted on deployment URLs; default: any non-empty value. */
  apiVersion?: string;
  /** The deployments that exist (by name); default: any. */
  deployments?: readonly string[];
}

const DEPLOYMENT_ROUTE = /^\/openai\/deployments\/([^/]+)\/(.+)$/;
const V1_ROUTE = /^\/openai\/v1\/(.+)$/;

interface AzureError {
  status: number;
  body: { error: { code: string; message: string } };
}

const azureError = (status: number, code: string, message: string): AzureError => ({
  status,
  body: { error: { code, message } },
});

/**
 * Azure added `stream_options` (`include_usage`) in api-version 2024-09-01-preview; dated versions before it refuse
 * the field with a 400 in OpenAI's error shape (undated ones — `preview`, `latest` — are the newest surface).
 */
function refusesStreamOptions(version: string): boolean {
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(version);
  return date !== null && date[1] < '2024-09-01';
}

const UNRECOGNIZED_STREAM_OPTIONS = {
  error: {
    message:
      'Unrecognized request argument supplied: stream_options. Please contact us through an Azure support request ' +
      'at: https://go.microsoft.com/fwlink/?linkid=2213926 for further questions.',
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
};

function header(ex: FakeExchange, name: string): string | undefined {
  const value = ex.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The same exchange seen as the plain OpenAI endpoint it maps to, with the key as OpenAI's bearer header. */
function asOpenAi(ex: FakeExchange, path: string, key: string): FakeExchange {
  const headers = { ...ex.headers, authorization: `Bearer ${key}` };
  return Object.create(ex, { path: { value: path }, headers: { get: () => headers } }) as FakeExchange;
}

/**
 * Azure OpenAI's URL and auth scheme in front of the fake OpenAI: `/openai/deployments/{deployment}/{task}` with a
 * required `api-version` query (chat/completions, completions, embeddings, moderations, images, audio — whatever the
 * fake OpenAI answers at `/v1/{task}`; `stream_options` refused before api-version 2024-09-01-preview, as Azure does), and the v1 surface `/openai/v1/{task}` (Responses). The key must come in
 * `api-key`; a request that also carries `Authorization` is refused, so a gateway leaking a bearer header is caught.
 */
export function azureOpenAIProtocol(opts: FakeAzureOpenAIOptions = {}): FakeProtocol {
  const inner = openAIProtocol({ ...opts, apiKey: undefined });
  const fail = (ex: FakeExchange, e: AzureError) => ex.json(e.status, e.body);
  return {
    async handle(ex) {
      const deployment = DEPLOYMENT_ROUTE.exec(ex.path);
      const v1 = deployment ? undefined : V1_ROUTE.exec(ex.path);
      if (!deployment && !v1) return fail(ex, azureError(404, '404', 'Resource not found'));
      const key = header(ex, 'api-key');
      if (
        !key ||
        (opts.apiKey !== undefined && key !== opts.apiKey) ||
        header(ex, 'authorization') !== undefined
      )
        return fail(
          ex,
          azureError(
            401,
            '401',
            'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key ' +
              'for an active subscription and use a correct regional API endpoint for your resource.',
          ),
        );
      if (deployment) {
        const version = ex.query.get('api-version');
        if (!version || (opts.apiVersion !== undefined && version !== opts.apiVersion))
          return fail(ex, azureError(404, '404', 'Resource not found'));
        const name = decodeURIComponent(deployment[1]);
        if (opts.deployments && !opts.deployments.includes(name))
          return fail(
            ex,
            azureError(
              404,
              'DeploymentNotFound',
              'The API deployment for this resource does not exist. If you created the deployment within the last ' +
                '5 minutes, please wait a moment and try again.',
            ),
          );
        const body = ex.body;
        if (
          body !== null &&
          typeof body === 'object' &&
          'stream_options' in body &&
          refusesStreamOptions(version)
        )
          return ex.json(400, UNRECOGNIZED_STREAM_OPTIONS);
        return inner.handle(asOpenAi(ex, `/v1/${deployment[2]}`, key));
      }
      return inner.handle(asOpenAi(ex, `/v1/${(v1 as RegExpExecArray)[1]}`, key));
    },
    statusFault: (ex, status, retryAfterSeconds) => inner.statusFault(ex, status, retryAfterSeconds),
    error: (ex, status, message) => inner.error(ex, status, message),
  };
}

/**
 * Starts a fake Azure OpenAI resource on 127.0.0.1: a channel's base URL is `fake.url` (as
 * `https://{resource}.openai.azure.com` would be); answers are the fake OpenAI's.
 */
export function startFakeAzureOpenAI(opts: FakeAzureOpenAIOptions = {}): Promise<FakeProvider> {
  return startFakeServer(azureOpenAIProtocol(opts), opts);
}
