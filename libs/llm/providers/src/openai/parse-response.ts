import { randomUUID } from 'node:crypto';
import {
  GatewayError,
  isRecord,
  type CanonicalChoice,
  type CanonicalResponse,
  type FinishReason,
  type JsonObject,
  type ResponseContentPart,
} from '@one-api/llm-core';
import { fromOpenAiFinishReason, fromOpenAiUsage } from '@one-api/llm-codecs';
import { parseOpenAiError } from './parse-error';

export function generatedCompletionId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '')}`;
}

function reasoningText(source: JsonObject): string | undefined {
  const value = source.reasoning_content ?? source.reasoning;
  return typeof value === 'string' ? value : undefined;
}

function messageContent(message: JsonObject, choiceIndex: number): ResponseContentPart[] {
  const content: ResponseContentPart[] = [];
  const reasoning = reasoningText(message);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string') content.push({ type: 'text', text: message.content });
  else if (typeof message.refusal === 'string') content.push({ type: 'text', text: message.refusal });
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls.forEach((call, i) => {
      if (!isRecord(call) || !isRecord(call.function)) return;
      const fn = call.function;
      content.push({
        type: 'tool-call',
        id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${choiceIndex}_${i}`,
        name: typeof fn.name === 'string' ? fn.name : '',
        arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
      });
    });
  } else if (isRecord(message.function_call)) {
    const fn = message.function_call;
    content.push({
      type: 'tool-call',
      id: `call_${choiceIndex}_0`,
      name: typeof fn.name === 'string' ? fn.name : '',
      arguments: typeof fn.arguments === 'string' ? fn.arguments : '',
    });
  }
  return content;
}

/**
 * OpenAI answers a forced (named) tool_choice with `finish_reason: "stop"`; a choice that made tool calls and
 * stopped normally finishes with `tool_calls` (raw `stop` kept), so Claude callers see `stop_reason: "tool_use"`.
 */
export function withToolCalls(finish: FinishReason, madeToolCalls: boolean): FinishReason {
  return finish.reason === 'stop' && madeToolCalls ? { reason: 'tool_calls', raw: finish.raw } : finish;
}

function parseChoice(choice: JsonObject): CanonicalChoice {
  const index = typeof choice.index === 'number' ? choice.index : 0;
  const message = isRecord(choice.message) ? choice.message : {};
  const content = messageContent(message, index);
  const parsed: CanonicalChoice = {
    index,
    content,
    finishReason: withToolCalls(
      fromOpenAiFinishReason(typeof choice.finish_reason === 'string' ? choice.finish_reason : null),
      content.some((part) => part.type === 'tool-call'),
    ),
  };
  if (choice.logprobs !== undefined && choice.logprobs !== null) parsed.logprobs = choice.logprobs;
  return parsed;
}

/** An OpenAI `chat.completion` body → canonical response. A 200 carrying `{error}` throws a GatewayError. */
export function parseOpenAiChatResponse(json: unknown): CanonicalResponse {
  if (!isRecord(json)) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response that is not a JSON object',
    });
  }
  if (json.error !== undefined && json.error !== null) throw parseOpenAiError(502, JSON.stringify(json));
  if (!Array.isArray(json.choices) || json.choices.length === 0) {
    throw new GatewayError({
      kind: 'upstream',
      message: 'upstream returned a response without choices',
      raw: json,
    });
  }
  const choices = json.choices
    .filter(isRecord)
    .map(parseChoice)
    .sort((a, b) => a.index - b.index);
  const [first, ...rest] = choices;
  const response: CanonicalResponse = {
    id: typeof json.id === 'string' && json.id !== '' ? json.id : generatedCompletionId(),
    model: typeof json.model === 'string' ? json.model : '',
    created: typeof json.created === 'number' ? json.created : Math.floor(Date.now() / 1000),
    content: first.content,
    finishReason: first.finishReason,
  };
  const firstRaw = json.choices.find(isRecord);
  const usage = fromOpenAiUsage(json.usage) ?? (firstRaw ? fromOpenAiUsage(firstRaw.usage) : undefined);
  if (usage) response.usage = usage;
  if (typeof json.system_fingerprint === 'string') response.systemFingerprint = json.system_fingerprint;
  if (typeof json.service_tier === 'string') response.serviceTier = json.service_tier;
  if (first.logprobs !== undefined) response.logprobs = first.logprobs;
  if (rest.length > 0) response.extraChoices = rest;
  return response;
}
