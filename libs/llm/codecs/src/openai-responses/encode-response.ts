import type { CanonicalResponse, EncodeContext, ResponseContentPart } from '@one-api/llm-core';
import { responsesCodecState } from './decode-request';
import { randomResponsesId, responseIdFor, type ResponsesIdSource } from './ids';
import { responsesEnvelope, statusForFinish } from './response-object';
import { toResponsesUsage } from './usage-mapping';
import type {
  ItemStatus,
  ResponsesImageGenerationCallItemWire,
  ResponsesObjectWire,
  ResponsesOutputItemWire,
} from './wire-types';

/** A generated image as a completed `image_generation_call` item (`output_format` from its media type). */
export function imageGenerationCallItem(
  id: string,
  mediaType: string,
  data: string,
): ResponsesImageGenerationCallItemWire {
  const item: ResponsesImageGenerationCallItemWire = {
    id,
    type: 'image_generation_call',
    status: 'completed',
    result: data,
  };
  const format = /^image\/([a-z0-9.+-]+)$/i.exec(mediaType.trim())?.[1]?.toLowerCase();
  if (format) item.output_format = format === 'jpg' ? 'jpeg' : format;
  return item;
}

/** The `input` of a custom tool call from the canonical `{"input": "..."}` arguments (raw text if not JSON). */
export function customToolInput(args: string): string {
  try {
    const parsed = JSON.parse(args) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { input?: unknown }).input === 'string'
    ) {
      return (parsed as { input: string }).input;
    }
  } catch {
    // fall through: the model sent raw text
  }
  return args;
}

/**
 * Canonical content → Responses output items: each reasoning part becomes a `reasoning` item (its text as one
 * summary, its signature as `encrypted_content`), consecutive text parts one assistant `message`, each tool call a
 * `function_call` (or `custom_tool_call` for a custom tool), each generated image an `image_generation_call` with the
 * base64 image as `result`.
 */
export function responsesOutputItems(
  content: ResponseContentPart[],
  ctx: EncodeContext,
  messageStatus: ItemStatus,
  ids: ResponsesIdSource = randomResponsesId,
): ResponsesOutputItemWire[] {
  const custom = new Set(responsesCodecState(ctx.request)?.customTools ?? []);
  const items: ResponsesOutputItemWire[] = [];
  let message: Extract<ResponsesOutputItemWire, { type: 'message' }> | undefined;
  for (const part of content) {
    if (part.type === 'text') {
      if (!message) {
        message = {
          id: ids('msg'),
          type: 'message',
          status: messageStatus,
          content: [{ type: 'output_text', annotations: [], logprobs: [], text: '' }],
          role: 'assistant',
        };
        items.push(message);
      }
      message.content[0].text += part.text;
      continue;
    }
    message = undefined;
    if (part.type === 'generated-image') {
      items.push(imageGenerationCallItem(ids('ig'), part.mediaType, part.data));
    } else if (part.type === 'reasoning') {
      if (part.redacted) continue;
      const item: ResponsesOutputItemWire = {
        id: ids('rs'),
        type: 'reasoning',
        summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }],
      };
      if (part.signature !== undefined) item.encrypted_content = part.signature;
      items.push(item);
    } else if (custom.has(part.name)) {
      items.push({
        id: ids('ctc'),
        type: 'custom_tool_call',
        call_id: part.id,
        input: customToolInput(part.arguments),
        name: part.name,
      });
    } else {
      items.push({
        id: ids('fc'),
        type: 'function_call',
        status: 'completed',
        arguments: part.arguments,
        call_id: part.id,
        name: part.name,
      });
    }
  }
  return items;
}

/** Canonical response → a Responses `response` object (status, output items, usage, incomplete_details). */
export function encodeOpenAiResponsesResponse(
  response: CanonicalResponse,
  ctx: EncodeContext,
  ids: ResponsesIdSource = randomResponsesId,
): ResponsesObjectWire {
  const { status, incompleteDetails, error } = statusForFinish(response.finishReason);
  return responsesEnvelope(ctx, {
    id: responseIdFor(response.id, ids),
    createdAt: response.created,
    model: ctx.model ?? response.model,
    status,
    output: responsesOutputItems(
      response.content,
      ctx,
      status === 'incomplete' ? 'incomplete' : 'completed',
      ids,
    ),
    usage: response.usage ? toResponsesUsage(response.usage) : null,
    error,
    incompleteDetails,
    serviceTier: response.serviceTier,
  });
}
