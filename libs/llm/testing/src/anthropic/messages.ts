import type { FakeExchange, SseFrame } from '../core/exchange';
import { fixedPieces, randomId, wordPieces } from '../openai/ids';
import { type AnthropicErrorResponse } from './errors';
import { type AnthropicReply, messagesReply, replyOutputTokens } from './reply';
import type { AnthropicUsageBody, MessagesRequest } from './types';
import { anthropicPromptTokens, anthropicUsageBody } from './usage';
import { validateMessagesRequest } from './validate';

const INPUT_JSON_PIECE = 12;

/** Identity of one answer. */
export interface AnthropicMessageMeta {
  id: string;
  model: string;
}

export function anthropicMessageMeta(model: string): AnthropicMessageMeta {
  return { id: `msg_01${randomId(22)}`, model };
}

/** Usage the fake reports for `req` (the same numbers on the non-stream body and at the end of the stream). */
export function predictMessagesUsage(
  req: MessagesRequest,
  reply: AnthropicReply = messagesReply(req),
): AnthropicUsageBody {
  return anthropicUsageBody(anthropicPromptTokens(req), replyOutputTokens(reply));
}

/** The non-stream `message` object. */
export function messageBody(
  req: MessagesRequest,
  reply: AnthropicReply,
  meta: AnthropicMessageMeta,
): Record<string, unknown> {
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: reply.content,
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    usage: predictMessagesUsage(req, reply),
  };
}

function frame(event: string, payload: Record<string, unknown>): SseFrame {
  return { event, data: JSON.stringify({ type: event, ...payload }) };
}

/**
 * The SSE events of a streamed answer, in Anthropic's order: `message_start` (usage with the input counts and
 * output_tokens 1), per block `content_block_start` → deltas → `content_block_stop` (a `ping` right after the first
 * `content_block_start`), thinking as `thinking_delta` pieces then one `signature_delta`, text as one
 * `text_delta` per word, tool_use as `input_json_delta` pieces (the first one empty), then `message_delta`
 * (stop_reason, stop_sequence and the cumulative usage) and `message_stop`.
 */
export function messageStreamFrames(
  req: MessagesRequest,
  reply: AnthropicReply,
  meta: AnthropicMessageMeta,
): SseFrame[] {
  const usage = predictMessagesUsage(req, reply);
  const frames: SseFrame[] = [
    frame('message_start', {
      message: {
        id: meta.id,
        type: 'message',
        role: 'assistant',
        model: meta.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ];
  reply.content.forEach((block, index) => {
    const delta = (d: Record<string, unknown>) =>
      frames.push(frame('content_block_delta', { index, delta: d }));
    if (block.type === 'thinking') {
      frames.push(
        frame('content_block_start', {
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }),
      );
      if (index === 0) frames.push({ event: 'ping', data: '{"type": "ping"}' });
      for (const piece of wordPieces(block.thinking)) delta({ type: 'thinking_delta', thinking: piece });
      delta({ type: 'signature_delta', signature: block.signature });
    } else if (block.type === 'text') {
      frames.push(frame('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      if (index === 0) frames.push({ event: 'ping', data: '{"type": "ping"}' });
      for (const piece of wordPieces(block.text)) delta({ type: 'text_delta', text: piece });
    } else {
      frames.push(
        frame('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      if (index === 0) frames.push({ event: 'ping', data: '{"type": "ping"}' });
      delta({ type: 'input_json_delta', partial_json: '' });
      for (const piece of fixedPieces(JSON.stringify(block.input), INPUT_JSON_PIECE)) {
        delta({ type: 'input_json_delta', partial_json: piece });
      }
    }
    frames.push(frame('content_block_stop', { index }));
  });
  frames.push(
    frame('message_delta', {
      delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence },
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: usage.output_tokens,
      },
    }),
  );
  frames.push(frame('message_stop', {}));
  return frames;
}

export async function handleMessages(ex: FakeExchange, send: (e: AnthropicErrorResponse) => Promise<void>) {
  const invalid = validateMessagesRequest(ex.body);
  if (invalid) return send(invalid);
  const req = ex.body as MessagesRequest;
  const reply = messagesReply(req);
  const meta = anthropicMessageMeta(req.model as string);
  const headers = { 'request-id': ex.requestId };
  if (req.stream === true) return ex.sse(messageStreamFrames(req, reply, meta), undefined, headers);
  return ex.json(200, messageBody(req, reply, meta), headers);
}

export async function handleCountTokens(
  ex: FakeExchange,
  send: (e: AnthropicErrorResponse) => Promise<void>,
) {
  const invalid = validateMessagesRequest(ex.body, { countTokens: true });
  if (invalid) return send(invalid);
  return ex.json(
    200,
    { input_tokens: anthropicPromptTokens(ex.body as MessagesRequest).total },
    {
      'request-id': ex.requestId,
    },
  );
}
