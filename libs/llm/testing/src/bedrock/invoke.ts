import { randomId } from '../openai/ids';
import {
  messageBody,
  messageStreamFrames,
  predictMessagesUsage,
  type AnthropicMessageMeta,
} from '../anthropic/messages';
import { messagesReply } from '../anthropic/reply';
import type { MessagesRequest } from '../anthropic/types';
import { validateMessagesRequest } from '../anthropic/validate';
import { type BedrockErrorResponse, validationError } from './errors';
import { eventMessage } from './event-stream';

type Obj = Record<string, unknown>;

/** The `anthropic_version` Claude on Bedrock requires. */
export const BEDROCK_CLAUDE_VERSION = 'bedrock-2023-05-31';

/** Top-level members Claude's InvokeModel body may have; others are refused as extraneous keys. */
const CLAUDE_KEYS = new Set([
  'anthropic_version',
  'anthropic_beta',
  'max_tokens',
  'messages',
  'system',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
]);

/** The beta flags Bedrock accepts for Claude (its documented list); any other fails the call. */
export const BEDROCK_CLAUDE_BETAS: ReadonlySet<string> = new Set([
  'computer-use-2024-10-22',
  'computer-use-2025-01-24',
  'token-efficient-tools-2025-02-19',
  'interleaved-thinking-2025-05-14',
  'output-128k-2025-02-19',
  'dev-full-thinking-2025-05-14',
  'context-1m-2025-08-07',
  'context-management-2025-06-27',
  'effort-2025-11-24',
  'tool-search-tool-2025-10-19',
  'tool-examples-2025-10-29',
]);

function malformed(detail: string): BedrockErrorResponse {
  return validationError(`Malformed input request: ${detail}, please reformat your input and try again.`);
}

/**
 * The checks on a Claude InvokeModel body: `anthropic_version: bedrock-2023-05-31`, no member Bedrock does not know
 * (a `model` or `stream` key is refused: the model is in the URL, streaming is the operation), `anthropic_beta` a
 * list of flags Bedrock knows ("invalid beta flag" otherwise), then the Messages rules of the fake Anthropic (as ValidationException).
 */
export function validateClaudeInvokeBody(body: unknown, modelId: string): BedrockErrorResponse | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return malformed('#: expected an object');
  const obj = body as Obj;
  for (const key of Object.keys(obj)) {
    if (!CLAUDE_KEYS.has(key)) return malformed(`#: extraneous key [${key}] is not permitted`);
  }
  if (obj.anthropic_version !== BEDROCK_CLAUDE_VERSION) {
    return malformed(`#/anthropic_version: expected ${BEDROCK_CLAUDE_VERSION}`);
  }
  if (
    obj.anthropic_beta !== undefined &&
    !(Array.isArray(obj.anthropic_beta) && obj.anthropic_beta.every((b) => typeof b === 'string'))
  ) {
    return malformed('#/anthropic_beta: expected type: JSONArray');
  }
  if (
    Array.isArray(obj.anthropic_beta) &&
    obj.anthropic_beta.some((b) => !BEDROCK_CLAUDE_BETAS.has(b as string))
  ) {
    return validationError('invalid beta flag');
  }
  const invalid = validateMessagesRequest({ ...obj, model: modelId });
  return invalid ? validationError(invalid.body.error.message) : undefined;
}

/** Claude's model name inside a Bedrock id: `us.anthropic.claude-haiku-4-5-20251001-v1:0` → `claude-haiku-4-5-20251001`. */
export function claudeModelName(modelId: string): string {
  const m = /anthropic\.(claude-[a-z0-9.-]+?)(?:-v\d+(?::\d+)?)?$/i.exec(modelId.split('/').pop() ?? modelId);
  return m ? m[1] : modelId;
}

function meta(modelId: string): AnthropicMessageMeta {
  return { id: `msg_bdrk_01${randomId(22)}`, model: claudeModelName(modelId) };
}

/** InvokeModel's answer: the Anthropic `message` object. */
export function claudeInvokeBody(body: Obj, modelId: string): Obj {
  const req = body as MessagesRequest;
  return messageBody(req, messagesReply(req), meta(modelId));
}

/**
 * InvokeModelWithResponseStream: each Anthropic stream event (pings left out) in a `chunk` event whose `bytes` is
 * the event JSON in base64; the `message_stop` event also carries `amazon-bedrock-invocationMetrics`.
 */
export function claudeInvokeStreamMessages(body: Obj, modelId: string, latencyMs: number): Buffer[] {
  const req = body as MessagesRequest;
  const reply = messagesReply(req);
  const usage = predictMessagesUsage(req, reply);
  return messageStreamFrames(req, reply, meta(modelId))
    .filter((frame) => frame.event !== 'ping')
    .map((frame) => {
      const event = JSON.parse(frame.data) as Obj;
      if (event.type === 'message_stop') {
        event['amazon-bedrock-invocationMetrics'] = {
          inputTokenCount: usage.input_tokens,
          outputTokenCount: usage.output_tokens,
          invocationLatency: latencyMs,
          firstByteLatency: latencyMs,
          cacheReadInputTokenCount: usage.cache_read_input_tokens,
          cacheWriteInputTokenCount: usage.cache_creation_input_tokens,
        };
      }
      return eventMessage('chunk', {
        bytes: Buffer.from(JSON.stringify(event), 'utf8').toString('base64'),
        p: 'abcdefgh',
      });
    });
}
