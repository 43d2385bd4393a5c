import { SseParser } from '@one-api/llm-core';

export interface TappedUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Watches an OpenAI-style SSE stream on its way to the client: picks up the `usage` object, keeps the streamed text
 * (for a local estimate when no usage arrives), and — when the gateway asked for usage the client did not — removes
 * the usage-only chunk so the client sees exactly the stream it asked for.
 */
export class OpenAiStreamTap {
  private readonly parser = new SseParser();
  private usageSeen: TappedUsage | null = null;
  private text = '';
  private doneSeen = false;

  constructor(private readonly dropUsageChunk: boolean) {}

  /** Returns what to forward to the client for this upstream chunk. */
  push(chunk: Buffer): Buffer | string {
    const events = this.parser.push(chunk);
    if (!this.dropUsageChunk) {
      for (const event of events) this.observe(event.data);
      return chunk;
    }
    let out = '';
    for (const event of events) {
      if (this.observe(event.data) === 'usage-only') continue;
      out += `data: ${event.data}\n\n`;
    }
    return out;
  }

  finish(): string {
    const events = this.parser.end();
    let out = '';
    for (const event of events) {
      if (this.observe(event.data) === 'usage-only' && this.dropUsageChunk) continue;
      if (this.dropUsageChunk) out += `data: ${event.data}\n\n`;
    }
    return out;
  }

  get usage(): TappedUsage | null {
    return this.usageSeen;
  }

  get streamedText(): string {
    return this.text;
  }

  get completed(): boolean {
    return this.doneSeen;
  }

  private observe(data: string): 'usage-only' | 'other' {
    if (data === '[DONE]') {
      this.doneSeen = true;
      return 'other';
    }
    let chunk: {
      choices?: Array<{
        delta?: {
          content?: unknown;
          reasoning_content?: unknown;
          tool_calls?: Array<{ function?: { arguments?: unknown } }>;
        };
        text?: unknown;
      }>;
      usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
    };
    try {
      chunk = JSON.parse(data);
    } catch {
      return 'other';
    }
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta;
      if (typeof delta?.content === 'string') this.text += delta.content;
      if (typeof delta?.reasoning_content === 'string') this.text += delta.reasoning_content;
      for (const call of delta?.tool_calls ?? []) {
        if (typeof call.function?.arguments === 'string') this.text += call.function.arguments;
      }
      if (typeof choice.text === 'string') this.text += choice.text;
    }
    if (chunk.usage && typeof chunk.usage === 'object') {
      this.usageSeen = {
        promptTokens: Number(chunk.usage.prompt_tokens) || 0,
        completionTokens: Number(chunk.usage.completion_tokens) || 0,
      };
      if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return 'usage-only';
    }
    return 'other';
  }
}
