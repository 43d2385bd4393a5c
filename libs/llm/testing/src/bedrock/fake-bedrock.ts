import type { FakeExchange } from '../core/exchange';
import {
  type FakeProtocol,
  type FakeProvider,
  type FakeServerOptions,
  startFakeServer,
} from '../core/fake-server';
import { messagesReply } from '../anthropic/reply';
import {
  bedrockError,
  type BedrockErrorResponse,
  bedrockStatusFaultError,
  modelNotFound,
  unknownOperation,
  validationError,
} from './errors';
import {
  converseAsMessages,
  converseBody,
  converseStreamMessages,
  validateConverseRequest,
} from './converse';
import { claudeInvokeBody, claudeInvokeStreamMessages, validateClaudeInvokeBody } from './invoke';
import { verifySigV4 } from './sigv4';

/** The access key the fake accepts by default, and its secret. */
export const FAKE_BEDROCK_ACCESS_KEY_ID = 'AKIAFAKEBEDROCK00001';
export const FAKE_BEDROCK_SECRET_ACCESS_KEY = 'fakeBedrockSecretKey/0123456789abcdefghijk';
export const FAKE_BEDROCK_REGION = 'us-east-1';

export interface FakeBedrockOptions extends FakeServerOptions {
  /** Access key id → secret access key the fake verifies SigV4 signatures with. Default: the FAKE_BEDROCK_* pair. */
  credentials?: Readonly<Record<string, string>>;
  /** The region signatures must be scoped to. Default us-east-1. */
  region?: string;
  /** Model ids (or ARNs) that exist; default: any. */
  models?: readonly string[];
}

type Operation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream';
const OPERATIONS: readonly Operation[] = [
  'converse',
  'converse-stream',
  'invoke',
  'invoke-with-response-stream',
];

function send(ex: FakeExchange, e: BedrockErrorResponse): Promise<void> {
  return ex.json(e.status, e.body, { 'x-amzn-requestid': ex.requestId, ...e.headers });
}

/** `/model/{modelId}/{operation}` → the decoded model id and the operation. */
function route(path: string): { modelId: string; operation: Operation } | undefined {
  const m = /^\/model\/([^/]+)\/([a-z-]+)$/.exec(path);
  if (!m || !OPERATIONS.includes(m[2] as Operation)) return undefined;
  try {
    return { modelId: decodeURIComponent(m[1]), operation: m[2] as Operation };
  } catch {
    return undefined;
  }
}

/** The Bedrock runtime's wire protocol (bedrock-runtime.{region}.amazonaws.com) on top of the generic fake server. */
export function bedrockProtocol(opts: FakeBedrockOptions = {}): FakeProtocol {
  const secrets = new Map(
    Object.entries(opts.credentials ?? { [FAKE_BEDROCK_ACCESS_KEY_ID]: FAKE_BEDROCK_SECRET_ACCESS_KEY }),
  );
  const region = opts.region ?? FAKE_BEDROCK_REGION;
  return {
    async handle(ex) {
      const target = ex.method === 'POST' ? route(ex.path) : undefined;
      if (!target) return send(ex, unknownOperation());
      const refused = verifySigV4({
        method: ex.method,
        url: ex.req.url ?? ex.path,
        headers: ex.headers,
        body: ex.rawBody,
        secrets,
        service: 'bedrock',
        region,
        now: Date.now(),
      });
      if (refused) return send(ex, bedrockError(403, refused.exception, refused.message));
      if (!ex.bodyIsJson || ex.body === undefined) {
        return send(
          ex,
          validationError('Malformed input request, please reformat your input and try again.'),
        );
      }
      const { modelId, operation } = target;
      if (opts.models && !opts.models.includes(modelId)) return send(ex, modelNotFound());
      const body = ex.body as Record<string, unknown>;
      const latencyMs = 42;
      const headers = { 'x-amzn-requestid': ex.requestId };
      if (operation === 'invoke' || operation === 'invoke-with-response-stream') {
        if (!/anthropic\.claude/.test(modelId)) {
          return send(ex, validationError('The provided model identifier is invalid.'));
        }
        const invalid = validateClaudeInvokeBody(body, modelId);
        if (invalid) return send(ex, invalid);
        if (operation === 'invoke') {
          const answer = claudeInvokeBody(body, modelId);
          const usage = answer.usage as { input_tokens: number; output_tokens: number };
          return ex.json(200, answer, {
            ...headers,
            'x-amzn-bedrock-invocation-latency': String(latencyMs),
            'x-amzn-bedrock-input-token-count': String(usage.input_tokens),
            'x-amzn-bedrock-output-token-count': String(usage.output_tokens),
          });
        }
        return ex.binaryStream(claudeInvokeStreamMessages(body, modelId, latencyMs), {
          ...headers,
          'content-type': 'application/vnd.amazon.eventstream',
          'x-amzn-bedrock-content-type': 'application/json',
        });
      }
      const invalid = validateConverseRequest(body);
      if (invalid) return send(ex, invalid);
      const reply = messagesReply(converseAsMessages(body));
      if (operation === 'converse') return ex.json(200, converseBody(body, reply, latencyMs), headers);
      return ex.binaryStream(converseStreamMessages(body, reply, latencyMs), {
        ...headers,
        'content-type': 'application/vnd.amazon.eventstream',
      });
    },
    statusFault(ex, status, retryAfterSeconds) {
      return send(ex, bedrockStatusFaultError(status, retryAfterSeconds));
    },
    error(ex, status, message) {
      return send(
        ex,
        bedrockError(status, status >= 500 ? 'InternalServerException' : 'ValidationException', message),
      );
    },
  };
}

/**
 * Starts a fake Bedrock runtime on 127.0.0.1 (a free port unless `port` is given): POST
 * /model/{modelId}/converse | converse-stream (any model) and /invoke | /invoke-with-response-stream (Claude ids),
 * streams in AWS event-stream framing with real CRCs. Every call must carry a valid SigV4 signature (service
 * `bedrock`, the fake's region) by one of `credentials`; a wrong one is answered 403 InvalidSignatureException.
 * A channel's base_url is `fake.url`. Faults: `setFault`, `failNext`, or the URL prefix `/_fault/<spec>/model/...`.
 */
export function startFakeBedrock(opts: FakeBedrockOptions = {}): Promise<FakeProvider> {
  return startFakeServer(bedrockProtocol(opts), opts);
}
