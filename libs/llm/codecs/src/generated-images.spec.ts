import {
  makeUsage,
  type CanonicalRequest,
  type CanonicalResponse,
  type EncodeContext,
  type StreamEvent,
} from '@one-api/llm-core';
import { anthropicMessagesCodec } from './anthropic-messages';
import { openAiChatCodec } from './openai-chat';
import { openAiResponsesCodec } from './openai-responses';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const DATA_URL = `data:image/png;base64,${PNG}`;

const request: CanonicalRequest = {
  model: 'gemini-2.5-flash-image',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'draw a lighthouse' }] }],
  sampling: {},
  stream: false,
  outputModalities: ['image', 'text'],
};

/** A Gemini image model's answer as the Gemini adapter parses it: text, then an inline image. */
const response: CanonicalResponse = {
  id: 'Yq1kaO7rHdfXz7IPp9uH0AM',
  model: 'gemini-2.5-flash-image',
  created: 1_750_000_000,
  content: [
    { type: 'text', text: 'A lighthouse:' },
    { type: 'generated-image', mediaType: 'image/png', data: PNG },
  ],
  finishReason: { reason: 'stop', raw: 'STOP' },
  usage: makeUsage({ inputTokens: 11, outputTokens: 1298 }),
};

const events: StreamEvent[] = [
  {
    type: 'response-start',
    id: 'Yq1kaO7rHdfXz7IPp9uH0AM',
    model: 'gemini-2.5-flash-image',
    created: 1_750_000_000,
  },
  { type: 'text-delta', text: 'A lighthouse:' },
  { type: 'generated-image', mediaType: 'image/png', data: PNG },
  { type: 'usage', usage: makeUsage({ inputTokens: 11, outputTokens: 1298 }) },
  { type: 'finish', reason: 'stop', raw: 'STOP' },
];

function sseData(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n\n')
    .map((frame) =>
      frame
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice(6),
    )
    .filter((data): data is string => data !== undefined && data !== '[DONE]')
    .map((data) => JSON.parse(data) as Record<string, unknown>);
}

function stream(codec: typeof openAiChatCodec, ctx: EncodeContext): string {
  const encoder = codec.createStreamEncoder(ctx);
  return events.map((event) => encoder.encode(event)).join('') + encoder.finish();
}

describe('generated images in answers', () => {
  it('Chat Completions: decodes modalities and puts images in message.images as data URLs', () => {
    const decoded = openAiChatCodec.decodeRequest({
      model: 'gemini-2.5-flash-image',
      modalities: ['image', 'text'],
      messages: [{ role: 'user', content: 'draw a lighthouse' }],
    });
    expect(decoded.outputModalities).toEqual(['image', 'text']);
    expect(decoded.extra).toBeUndefined();
    expect(() =>
      openAiChatCodec.decodeRequest({
        model: 'm',
        modalities: 'image',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).toThrow(/modalities/);

    const body = openAiChatCodec.encodeResponse(response, { request }) as {
      choices: Array<{ message: Record<string, unknown>; finish_reason: string }>;
    };
    expect(body.choices[0].message).toMatchObject({
      role: 'assistant',
      content: 'A lighthouse:',
      images: [{ type: 'image_url', image_url: { url: DATA_URL } }],
    });
    expect(body.choices[0].finish_reason).toBe('stop');
    const textOnly = openAiChatCodec.encodeResponse(
      { ...response, content: [response.content[0]] },
      { request },
    ) as {
      choices: Array<{ message: Record<string, unknown> }>;
    };
    expect(textOnly.choices[0].message).not.toHaveProperty('images');
  });

  it('Chat Completions stream: a delta carrying images', () => {
    const chunks = sseData(stream(openAiChatCodec, { request: { ...request, stream: true } }));
    const deltas = chunks.map((c) => (c.choices as Array<{ delta: Record<string, unknown> }>)[0]?.delta);
    expect(deltas).toContainEqual({ images: [{ type: 'image_url', image_url: { url: DATA_URL } }] });
    expect(deltas[0]).toMatchObject({ role: 'assistant', content: 'A lighthouse:' });
  });

  it('Responses: the hosted image_generation tool asks for image output when converted', () => {
    const asked = openAiResponsesCodec.decodeRequest({
      model: 'gemini-2.5-flash-image',
      input: 'draw a lighthouse',
      tools: [{ type: 'image_generation' }],
    });
    expect(asked.outputModalities).toEqual(['text', 'image']);
    expect(asked.tools).toBeUndefined();
    const plain = openAiResponsesCodec.decodeRequest({ model: 'gemini-2.5-flash', input: 'hi' });
    expect(plain.outputModalities).toBeUndefined();
  });

  it('Responses: an image_generation_call item with the base64 result', () => {
    const body = openAiResponsesCodec.encodeResponse(response, { request }) as {
      output: Array<Record<string, unknown>>;
    };
    expect(body.output).toEqual([
      expect.objectContaining({ type: 'message' }),
      {
        id: expect.stringMatching(/^ig_[0-9a-f]{48}$/),
        type: 'image_generation_call',
        status: 'completed',
        result: PNG,
        output_format: 'png',
      },
    ]);
  });

  it('Responses stream: the item added in progress, the tool events, the item done with its result', () => {
    const frames = sseData(stream(openAiResponsesCodec, { request: { ...request, stream: true } }));
    const types = frames.map((f) => f.type);
    const added = types.indexOf('response.output_item.added', types.indexOf('response.output_text.done'));
    expect(types.slice(added, added + 4)).toEqual([
      'response.output_item.added',
      'response.image_generation_call.in_progress',
      'response.image_generation_call.completed',
      'response.output_item.done',
    ]);
    expect(frames[added].item).toMatchObject({
      type: 'image_generation_call',
      status: 'in_progress',
      result: null,
    });
    const done = frames[added + 3];
    expect(done).toMatchObject({
      output_index: 1,
      item: { type: 'image_generation_call', status: 'completed', result: PNG },
    });
    expect(frames[added + 1]).toMatchObject({ item_id: (done.item as { id: string }).id, output_index: 1 });
    const completed = frames.at(-1) as { type: string; response: { output: Array<{ type: string }> } };
    expect(completed.type).toBe('response.completed');
    expect(completed.response.output.map((item) => item.type)).toEqual(['message', 'image_generation_call']);
  });

  it('Claude Messages: images dropped (not valid assistant content) with a warning, answer and stream', () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const body = anthropicMessagesCodec.encodeResponse(response, { request, warn }) as {
      content: Array<{ type: string }>;
    };
    expect(body.content).toEqual([{ type: 'text', text: 'A lighthouse:' }]);
    expect(warnings).toEqual([
      'a generated image was dropped: Claude Messages answers cannot carry image blocks',
    ]);

    warnings.length = 0;
    const sse = stream(anthropicMessagesCodec, { request: { ...request, stream: true }, warn });
    expect(sse).not.toContain(PNG);
    expect(sse).toContain('event: message_stop');
    expect(warnings).toHaveLength(1);
  });
});
