import {
  formatSseEvent,
  GatewayError,
  type EncodeContext,
  type FinishReason,
  type ResponseStartEvent,
  type StreamEncoder,
  type StreamEvent,
  type Usage,
} from '@one-api/llm-core';
import { responsesCodecState } from './decode-request';
import { customToolInput, imageGenerationCallItem } from './encode-response';
import { randomResponsesId, responseIdFor, type ResponsesIdSource } from './ids';
import { responsesEnvelope, responsesFailure, statusForFinish } from './response-object';
import { toResponsesUsage } from './usage-mapping';
import type {
  ResponsesErrorWire,
  ResponsesFunctionCallItemWire,
  ResponsesCustomToolCallItemWire,
  ResponsesMessageItemWire,
  ResponsesObjectWire,
  ResponsesOutputItemWire,
  ResponsesReasoningItemWire,
  ResponsesStatus,
} from './wire-types';

interface OpenMessage {
  outputIndex: number;
  id: string;
  text: string;
}

interface OpenReasoning {
  outputIndex: number;
  id: string;
  text: string;
  signature?: string;
  partOpen: boolean;
}

interface OpenCall {
  outputIndex: number;
  id: string;
  callId: string;
  name: string;
  args: string;
  custom: boolean;
}

/**
 * Writes canonical stream events as a Responses SSE stream (`event: <type>` + `data: <json>`, a `sequence_number`
 * from 0 on every event): `response.created`, `response.in_progress`, then per output item
 * `response.output_item.added` … `response.output_item.done` — a message with `response.content_part.added`,
 * `response.output_text.delta`/`.done`, `response.content_part.done`; a reasoning item with
 * `response.reasoning_summary_part.added`, `response.reasoning_summary_text.delta`/`.done`,
 * `response.reasoning_summary_part.done`; a function call with `response.function_call_arguments.delta`/`.done`
 * (a custom tool call with `response.custom_tool_call_input.delta`/`.done`); a generated image as an
 * `image_generation_call` with `response.image_generation_call.in_progress`/`.completed` — and finally `response.completed`,
 * `response.incomplete` (max tokens, content filter) or `response.failed`, carrying the whole response and its
 * usage. There is no `[DONE]`: OpenAI ends the stream after the terminal event.
 */
export class OpenAiResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private start: ResponseStartEvent | undefined;
  private responseId: string | undefined;
  private started = false;
  private closed = false;
  private readonly output: ResponsesOutputItemWire[] = [];
  private message: OpenMessage | undefined;
  private reasoning: OpenReasoning | undefined;
  private readonly calls = new Map<number, OpenCall>();
  private readonly customTools: Set<string>;
  private finishReason: FinishReason | undefined;
  private usage: Usage | undefined;

  constructor(
    private readonly ctx: EncodeContext,
    private readonly ids: ResponsesIdSource = randomResponsesId,
  ) {
    this.customTools = new Set(responsesCodecState(ctx.request)?.customTools ?? []);
  }

  encode(event: StreamEvent): string {
    if (this.closed) return '';
    if ('choice' in event && event.choice !== undefined && event.choice !== 0) return '';
    switch (event.type) {
      case 'response-start':
        if (!this.started) this.start = event;
        return this.ensureStarted();
      case 'text-delta':
        return event.text === '' ? '' : this.ensureStarted() + this.text(event.text);
      case 'reasoning-delta':
        if (event.redacted) return '';
        return this.ensureStarted() + this.reasoningDelta(event.text, event.signature);
      case 'tool-call-start':
        return this.ensureStarted() + this.callStart(event.index, event.id, event.name);
      case 'tool-call-delta':
        return this.callDelta(event.index, event.argumentsDelta);
      case 'tool-call-end':
        return this.callEnd(event.index);
      case 'generated-image':
        return this.ensureStarted() + this.image(event.mediaType, event.data);
      case 'usage':
        this.usage = event.usage;
        return '';
      case 'finish':
        this.finishReason = { reason: event.reason, raw: event.raw };
        return this.ensureStarted() + this.closeAll();
      case 'error':
        return this.fail(event.error);
      default:
        return '';
    }
  }

  finish(): string {
    if (this.closed) return '';
    let out = this.ensureStarted() + this.closeAll();
    const finish = this.finishReason ?? { reason: 'stop', raw: null };
    const { status, incompleteDetails, error } = statusForFinish(finish);
    const type =
      status === 'incomplete'
        ? 'response.incomplete'
        : status === 'failed'
          ? 'response.failed'
          : 'response.completed';
    out += this.emit(type, {
      response: this.response(status, { incompleteDetails, error }),
    });
    this.closed = true;
    return out;
  }

  private fail(error: GatewayError): string {
    const out = this.ensureStarted();
    this.closed = true;
    return (
      out +
      this.emit('response.failed', {
        response: this.response('failed', { error: responsesFailure(error) }),
      })
    );
  }

  private response(
    status: ResponsesStatus,
    extra: {
      incompleteDetails?: ResponsesObjectWire['incomplete_details'];
      error?: ResponsesErrorWire | null;
    } = {},
  ): ResponsesObjectWire {
    const start = this.start;
    const terminal = status !== 'in_progress';
    return responsesEnvelope(this.ctx, {
      id: this.responseId as string,
      createdAt: start?.created ?? Math.floor(Date.now() / 1000),
      model: this.ctx.model ?? (start?.model || this.ctx.request.model),
      status,
      output: terminal ? this.output : [],
      usage: terminal && this.usage ? toResponsesUsage(this.usage) : null,
      error: extra.error ?? null,
      incompleteDetails: extra.incompleteDetails ?? null,
      serviceTier: start?.serviceTier,
    });
  }

  private emit(type: string, fields: Record<string, unknown>): string {
    const data = { type, sequence_number: this.seq++, ...fields };
    return formatSseEvent(JSON.stringify(data), type);
  }

  private ensureStarted(): string {
    if (this.started) return '';
    this.started = true;
    this.responseId = responseIdFor(this.start?.id, this.ids);
    return (
      this.emit('response.created', { response: this.response('in_progress') }) +
      this.emit('response.in_progress', { response: this.response('in_progress') })
    );
  }

  private addItem(item: ResponsesOutputItemWire): { outputIndex: number; out: string } {
    const outputIndex = this.output.length;
    this.output.push(item);
    return {
      outputIndex,
      out: this.emit('response.output_item.added', { output_index: outputIndex, item: { ...item } }),
    };
  }

  private doneItem(outputIndex: number, item: ResponsesOutputItemWire): string {
    this.output[outputIndex] = item;
    return this.emit('response.output_item.done', { output_index: outputIndex, item });
  }

  private text(delta: string): string {
    let out = this.closeReasoning();
    if (!this.message) {
      const id = this.ids('msg');
      const added = this.addItem({
        id,
        type: 'message',
        status: 'in_progress',
        content: [],
        role: 'assistant',
      });
      this.message = { outputIndex: added.outputIndex, id, text: '' };
      out +=
        added.out +
        this.emit('response.content_part.added', {
          item_id: id,
          output_index: added.outputIndex,
          content_index: 0,
          part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
        });
    }
    const message = this.message;
    message.text += delta;
    return (
      out +
      this.emit('response.output_text.delta', {
        item_id: message.id,
        output_index: message.outputIndex,
        content_index: 0,
        delta,
        logprobs: [],
      })
    );
  }

  private closeMessage(status: 'completed' | 'incomplete' = 'completed'): string {
    const message = this.message;
    if (!message) return '';
    this.message = undefined;
    const part = { type: 'output_text' as const, annotations: [], logprobs: [], text: message.text };
    const item: ResponsesMessageItemWire = {
      id: message.id,
      type: 'message',
      status,
      content: [part],
      role: 'assistant',
    };
    const where = { item_id: message.id, output_index: message.outputIndex, content_index: 0 };
    return (
      this.emit('response.output_text.done', { ...where, text: message.text, logprobs: [] }) +
      this.emit('response.content_part.done', { ...where, part }) +
      this.doneItem(message.outputIndex, item)
    );
  }

  private reasoningDelta(text: string, signature: string | undefined): string {
    let out = '';
    if (!this.reasoning) {
      if (text === '' && signature === undefined) return '';
      out += this.closeMessage();
      const id = this.ids('rs');
      const added = this.addItem({ id, type: 'reasoning', summary: [] });
      this.reasoning = { outputIndex: added.outputIndex, id, text: '', partOpen: false };
      out += added.out;
    }
    const reasoning = this.reasoning;
    if (signature !== undefined) reasoning.signature = (reasoning.signature ?? '') + signature;
    if (text === '') return out;
    const where = { item_id: reasoning.id, output_index: reasoning.outputIndex, summary_index: 0 };
    if (!reasoning.partOpen) {
      reasoning.partOpen = true;
      out += this.emit('response.reasoning_summary_part.added', {
        ...where,
        part: { type: 'summary_text', text: '' },
      });
    }
    reasoning.text += text;
    return out + this.emit('response.reasoning_summary_text.delta', { ...where, delta: text });
  }

  private closeReasoning(): string {
    const reasoning = this.reasoning;
    if (!reasoning) return '';
    this.reasoning = undefined;
    let out = '';
    const summary: ResponsesReasoningItemWire['summary'] = [];
    if (reasoning.partOpen) {
      const where = { item_id: reasoning.id, output_index: reasoning.outputIndex, summary_index: 0 };
      const part = { type: 'summary_text' as const, text: reasoning.text };
      summary.push(part);
      out +=
        this.emit('response.reasoning_summary_text.done', { ...where, text: reasoning.text }) +
        this.emit('response.reasoning_summary_part.done', { ...where, part });
    }
    const item: ResponsesReasoningItemWire = { id: reasoning.id, type: 'reasoning', summary };
    if (reasoning.signature !== undefined) item.encrypted_content = reasoning.signature;
    return out + this.doneItem(reasoning.outputIndex, item);
  }

  /**
   * A generated image arrives whole: an `image_generation_call` item added in progress, the hosted tool's
   * `response.image_generation_call.in_progress` / `.completed` events, and the item done with its `result`.
   */
  private image(mediaType: string, data: string): string {
    const out = this.closeMessage() + this.closeReasoning();
    const done = imageGenerationCallItem(this.ids('ig'), mediaType, data);
    const added = this.addItem({ ...done, status: 'in_progress', result: null });
    const where = { item_id: done.id, output_index: added.outputIndex };
    return (
      out +
      added.out +
      this.emit('response.image_generation_call.in_progress', where) +
      this.emit('response.image_generation_call.completed', where) +
      this.doneItem(added.outputIndex, done)
    );
  }

  private callStart(index: number, callId: string, name: string): string {
    let out = this.closeMessage() + this.closeReasoning();
    if (this.calls.has(index)) out += this.callEnd(index);
    const custom = this.customTools.has(name);
    const id = this.ids(custom ? 'ctc' : 'fc');
    const item: ResponsesOutputItemWire = custom
      ? { id, type: 'custom_tool_call', call_id: callId, input: '', name }
      : { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name };
    const added = this.addItem(item);
    this.calls.set(index, { outputIndex: added.outputIndex, id, callId, name, args: '', custom });
    return out + added.out;
  }

  private callDelta(index: number, delta: string): string {
    const call = this.calls.get(index);
    if (!call || delta === '') return '';
    call.args += delta;
    // A custom tool's input is the `input` string inside the canonical JSON arguments: sent whole at the end.
    if (call.custom) return '';
    return this.emit('response.function_call_arguments.delta', {
      item_id: call.id,
      output_index: call.outputIndex,
      delta,
    });
  }

  private callEnd(index: number): string {
    const call = this.calls.get(index);
    if (!call) return '';
    this.calls.delete(index);
    const where = { item_id: call.id, output_index: call.outputIndex };
    if (call.custom) {
      const input = customToolInput(call.args);
      const item: ResponsesCustomToolCallItemWire = {
        id: call.id,
        type: 'custom_tool_call',
        call_id: call.callId,
        input,
        name: call.name,
      };
      return (
        (input === '' ? '' : this.emit('response.custom_tool_call_input.delta', { ...where, delta: input })) +
        this.emit('response.custom_tool_call_input.done', { ...where, input }) +
        this.doneItem(call.outputIndex, item)
      );
    }
    const item: ResponsesFunctionCallItemWire = {
      id: call.id,
      type: 'function_call',
      status: 'completed',
      arguments: call.args,
      call_id: call.callId,
      name: call.name,
    };
    return (
      this.emit('response.function_call_arguments.done', {
        ...where,
        arguments: call.args,
        name: call.name,
      }) + this.doneItem(call.outputIndex, item)
    );
  }

  private closeAll(): string {
    const incomplete =
      this.finishReason !== undefined && statusForFinish(this.finishReason).status === 'incomplete';
    let out = this.closeReasoning() + this.closeMessage(incomplete ? 'incomplete' : 'completed');
    for (const index of [...this.calls.keys()].sort((a, b) => a - b)) out += this.callEnd(index);
    return out;
  }
}
