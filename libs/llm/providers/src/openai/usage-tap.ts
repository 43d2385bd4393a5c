import { isRecord, SseParser, tryParseJson, type Usage } from '@one-api/llm-core';
import { fromOpenAiUsage } from '@one-api/llm-codecs';

export interface OpenAiUsageTapOptions {
  /** Also gather generated text (content, reasoning, tool names and arguments) for a local estimate. */
  collectCompletion?: boolean;
}

const USAGE_OBJECT = /"usage"\s*:\s*\{/;

/**
 * Watches a passthrough OpenAI-style SSE byte stream for the `usage` object without touching the bytes: feed it the
 * same chunks that are forwarded to the client. Only events that contain a usage object are parsed, unless
 * `collectCompletion` asks for the generated text too.
 */
export class OpenAiUsageTap {
  /** The last usage object seen (vendors that repeat cumulative usage on every chunk end with the full count). */
  usage: Usage | undefined;
  /** The upstream sent `data: [DONE]`. */
  done = false;
  /** The last `finish_reason` seen (only tracked with `collectCompletion`). */
  finishReason: string | undefined;
  /** Generated text gathered with `collectCompletion`. */
  completionText = '';

  private readonly parser = new SseParser({ dispatchIncompleteOnEnd: true });
  private readonly collect: boolean;

  constructor(options: OpenAiUsageTapOptions = {}) {
    this.collect = options.collectCompletion ?? false;
  }

  push(chunk: Uint8Array | string): void {
    for (const event of this.parser.push(chunk)) this.inspect(event.data);
  }

  end(): void {
    for (const event of this.parser.end()) this.inspect(event.data);
  }

  private inspect(data: string): void {
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    const hasUsage = USAGE_OBJECT.test(data);
    if (!hasUsage && !this.collect) return;
    const chunk = tryParseJson(data);
    if (!isRecord(chunk)) return;
    if (hasUsage) this.usage = fromOpenAiUsage(chunk.usage) ?? this.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      if (!isRecord(choice)) continue;
      if (hasUsage && !this.usage) this.usage = fromOpenAiUsage(choice.usage);
      if (this.collect) this.collectChoice(choice);
    }
  }

  private collectChoice(choice: Record<string, unknown>): void {
    if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
    const delta = choice.delta;
    if (!isRecord(delta)) return;
    for (const field of ['content', 'reasoning_content', 'reasoning', 'refusal']) {
      const value = delta[field];
      if (typeof value === 'string') this.completionText += value;
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        if (!isRecord(call) || !isRecord(call.function)) continue;
        if (typeof call.function.name === 'string') this.completionText += call.function.name;
        if (typeof call.function.arguments === 'string') this.completionText += call.function.arguments;
      }
    }
  }
}

/** Usage of a non-streamed OpenAI-style body (object or JSON text), for the passthrough path. */
export function usageFromOpenAiBody(body: unknown): Usage | undefined {
  const json = typeof body === 'string' ? tryParseJson(body) : body;
  if (!isRecord(json)) return undefined;
  const usage = fromOpenAiUsage(json.usage);
  if (usage) return usage;
  const first = Array.isArray(json.choices) ? json.choices[0] : undefined;
  return isRecord(first) ? fromOpenAiUsage(first.usage) : undefined;
}
