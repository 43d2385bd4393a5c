import { randomUUID } from 'node:crypto';
import type { EncodeContext, ResponseStartEvent, StreamEncoder, StreamEvent, Usage } from '@one-api/llm-core';
import { encodeOpenAiChatError } from './encode-error';
import { generatedImageWire, reasoningFields, usesLegacyFunctions } from './encode-response';
import { toOpenAiFinishReason } from './finish-reason';
import { toOpenAiUsage } from './usage-mapping';
import type { OpenAiChunkChoiceWire, OpenAiDeltaWire } from './wire-types';

type Delta = OpenAiDeltaWire & Record<string, unknown>;

const DONE = 'data: [DONE]\n\n';

/**
 * Writes canonical stream events as OpenAI `chat.completion.chunk` SSE: the role rides on each choice's first
 * chunk, tool calls stream as indexed deltas, the finish chunk carries `finish_reason`, and `finish()` adds the
 * usage chunk (empty `choices`) when the client asked for `stream_options.include_usage`, then `data: [DONE]`.
 */
export class OpenAiChatStreamEncoder implements StreamEncoder {
  private start: ResponseStartEvent | undefined;
  private readonly roleSent = new Set<number>();
  private readonly includeUsage: boolean;
  private readonly legacyFunctions: boolean;
  private usage: Usage | undefined;
  private errored = false;
  private closed = false;

  constructor(private readonly ctx: EncodeContext) {
    this.includeUsage = ctx.request.includeUsage === true;
    this.legacyFunctions = usesLegacyFunctions(ctx);
  }

  encode(event: StreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'response-start':
        this.start = event;
        return '';
      case 'text-delta':
        return this.delta(event.choice ?? 0, { content: event.text });
      case 'reasoning-delta': {
        if (event.redacted) return '';
        const wantsSignature = event.signature !== undefined && this.ctx.reasoningFormat === 'thinking';
        const delta: Delta =
          event.text !== '' || wantsSignature
            ? reasoningFields(event.text, event.signature, this.ctx.reasoningFormat)
            : {};
        return this.delta(event.choice ?? 0, delta, { content: null });
      }
      case 'tool-call-start':
        if (this.legacyFunctions) {
          if (event.index !== 0) return '';
          return this.delta(
            event.choice ?? 0,
            { function_call: { name: event.name, arguments: '' } },
            { content: null },
          );
        }
        return this.delta(
          event.choice ?? 0,
          {
            tool_calls: [
              {
                index: event.index,
                id: event.id,
                type: 'function',
                function: { name: event.name, arguments: '' },
              },
            ],
          },
          { content: null },
        );
      case 'tool-call-delta':
        if (this.legacyFunctions) {
          if (event.index !== 0) return '';
          return this.delta(event.choice ?? 0, { function_call: { arguments: event.argumentsDelta } });
        }
        return this.delta(event.choice ?? 0, {
          tool_calls: [{ index: event.index, function: { arguments: event.argumentsDelta } }],
        });
      case 'tool-call-end':
        return '';
      case 'generated-image':
        return this.delta(event.choice ?? 0, { images: [generatedImageWire(event.mediaType, event.data)] });
      case 'usage':
        this.usage = event.usage;
        return '';
      case 'finish': {
        const choice = event.choice ?? 0;
        const delta: Delta = this.roleSent.has(choice)
          ? {}
          : { role: 'assistant', content: '', refusal: null };
        this.roleSent.add(choice);
        const finishReason = toOpenAiFinishReason(
          { reason: event.reason, raw: event.raw },
          this.legacyFunctions,
        );
        return this.chunk([{ index: choice, delta, logprobs: null, finish_reason: finishReason }]);
      }
      case 'error':
        this.errored = true;
        return `data: ${JSON.stringify(encodeOpenAiChatError(event.error).body)}\n\n`;
      default:
        return '';
    }
  }

  finish(): string {
    if (this.closed) return '';
    this.closed = true;
    if (this.errored || !this.includeUsage || !this.usage) return DONE;
    return this.chunk([], this.usage) + DONE;
  }

  /** One delta chunk; the choice's first chunk also carries the role (`roleFields` fills its content slot). */
  private delta(choice: number, delta: Delta, roleFields: Delta = {}): string {
    let body = delta;
    if (!this.roleSent.has(choice)) {
      this.roleSent.add(choice);
      body = { role: 'assistant', content: '', ...roleFields, ...delta, refusal: null };
    } else if (Object.keys(delta).length === 0) {
      return '';
    }
    return this.chunk([{ index: choice, delta: body, logprobs: null, finish_reason: null }]);
  }

  private chunk(choices: OpenAiChunkChoiceWire[], usage?: Usage): string {
    const start = (this.start ??= {
      type: 'response-start',
      id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
      model: this.ctx.request.model,
      created: Math.floor(Date.now() / 1000),
    });
    const chunk: Record<string, unknown> = {
      id: start.id,
      object: 'chat.completion.chunk',
      created: start.created,
      model: this.ctx.model ?? start.model,
    };
    if (start.serviceTier !== undefined) chunk.service_tier = start.serviceTier;
    if (start.systemFingerprint !== undefined) chunk.system_fingerprint = start.systemFingerprint;
    chunk.choices = choices;
    if (usage) chunk.usage = toOpenAiUsage(usage);
    else if (this.includeUsage) chunk.usage = null;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
