import {
  toDataUrl,
  type CanonicalResponse,
  type EncodeContext,
  type FinishReason,
  type ReasoningOutputFormat,
  type ResponseContentPart,
} from '@one-api/llm-core';
import { LEGACY_FUNCTIONS_STATE } from './decode-request';
import { toOpenAiFinishReason } from './finish-reason';
import { toOpenAiUsage } from './usage-mapping';
import type {
  OpenAiChatCompletionWire,
  OpenAiChoiceWire,
  OpenAiGeneratedImageWire,
  OpenAiResponseMessageWire,
} from './wire-types';

export function usesLegacyFunctions(ctx: EncodeContext): boolean {
  return ctx.request.codecState?.[LEGACY_FUNCTIONS_STATE] === true;
}

/** The field(s) carrying reasoning text where the client wants it (`reasoning_content` unless `?reasoning_format=`). */
export function reasoningFields(
  text: string,
  signature: string | undefined,
  format: ReasoningOutputFormat = 'reasoning_content',
): { reasoning_content?: string; reasoning?: string; thinking?: { content: string; signature?: string } } {
  if (format === 'reasoning') return { reasoning: text };
  if (format === 'thinking')
    return { thinking: signature ? { content: text, signature } : { content: text } };
  return { reasoning_content: text };
}

/**
 * A generated image as OpenRouter and OpenAI-compatible gateways put it in `message.images` / `delta.images`: an
 * `image_url` entry with a base64 data URL.
 */
export function generatedImageWire(mediaType: string, data: string): OpenAiGeneratedImageWire {
  return { type: 'image_url', image_url: { url: toDataUrl(mediaType, data) } };
}

function encodeMessage(content: ResponseContentPart[], ctx: EncodeContext): OpenAiResponseMessageWire {
  let text: string | null = null;
  let reasoning: string | undefined;
  let signature: string | undefined;
  const toolCalls: NonNullable<OpenAiResponseMessageWire['tool_calls']> = [];
  const images: OpenAiGeneratedImageWire[] = [];
  for (const part of content) {
    if (part.type === 'text') text = (text ?? '') + part.text;
    else if (part.type === 'reasoning') {
      if (part.redacted) continue;
      reasoning = (reasoning ?? '') + part.text;
      signature = part.signature ?? signature;
    } else if (part.type === 'generated-image') images.push(generatedImageWire(part.mediaType, part.data));
    else
      toolCalls.push({
        id: part.id,
        type: 'function',
        function: { name: part.name, arguments: part.arguments },
      });
  }
  const message: OpenAiResponseMessageWire = {
    role: 'assistant',
    content: text,
    refusal: null,
    annotations: [],
  };
  if (reasoning !== undefined)
    Object.assign(message, reasoningFields(reasoning, signature, ctx.reasoningFormat));
  if (images.length > 0) message.images = images;
  if (toolCalls.length > 0) {
    if (usesLegacyFunctions(ctx)) message.function_call = toolCalls[0].function;
    else message.tool_calls = toolCalls;
  }
  return message;
}

function encodeChoice(
  index: number,
  content: ResponseContentPart[],
  finish: FinishReason,
  logprobs: unknown,
  ctx: EncodeContext,
): OpenAiChoiceWire {
  return {
    index,
    message: encodeMessage(content, ctx),
    logprobs: logprobs ?? null,
    finish_reason: toOpenAiFinishReason(finish, usesLegacyFunctions(ctx)),
  };
}

/** Canonical response → an OpenAI `chat.completion` object. */
export function encodeOpenAiChatResponse(
  response: CanonicalResponse,
  ctx: EncodeContext,
): OpenAiChatCompletionWire {
  const choices = [encodeChoice(0, response.content, response.finishReason, response.logprobs, ctx)];
  for (const choice of response.extraChoices ?? []) {
    choices.push(encodeChoice(choice.index, choice.content, choice.finishReason, choice.logprobs, ctx));
  }
  const body: OpenAiChatCompletionWire = {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: ctx.model ?? response.model,
    choices,
  };
  if (response.usage) body.usage = toOpenAiUsage(response.usage);
  if (response.serviceTier !== undefined) body.service_tier = response.serviceTier;
  if (response.systemFingerprint !== undefined) body.system_fingerprint = response.systemFingerprint;
  return body;
}
