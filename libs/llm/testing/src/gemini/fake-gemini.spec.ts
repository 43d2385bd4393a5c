import type { FakeProvider } from '../core/fake-server';
import { startFakeGemini, type FakeGeminiOptions } from './fake-gemini';
import { FAKE_PNG_BASE64 } from '../openai/images';
import { predictGeminiUsage } from './generate';
import { GEMINI_REPLY_PREFIX, GEMINI_THOUGHT_PREFIX } from './reply';
import { fakeThoughtSignature } from './validate';

const KEY = 'AIza-fake-key';

interface Call {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

async function call(
  fake: FakeProvider,
  path: string,
  body?: unknown,
  init: { key?: string | null; method?: string; query?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.key !== null) headers['x-goog-api-key'] = init.key ?? KEY;
  const res = await fetch(`${fake.url}${path}${init.query ?? ''}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

function sseChunks(text: string): any[] {
  return text
    .split(/\n\n/)
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice('data: '.length)));
}

const user = (text: string) => ({ role: 'user', parts: [{ text }] });

const weatherTool = {
  functionDeclarations: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        type: 'OBJECT',
        properties: { city: { type: 'STRING' }, unit: { type: 'STRING', enum: ['c', 'f'] } },
        required: ['city'],
      },
    },
    { name: 'get_time' },
  ],
};

describe('fake Gemini', () => {
  let fake: FakeProvider;
  const start = async (opts: FakeGeminiOptions = {}) => {
    await fake?.close();
    fake = await startFakeGemini(opts);
  };
  beforeEach(() => start());
  afterAll(() => fake.close());

  it('answers generateContent with text, finishReason and exact usageMetadata (no thinking on 2.0)', async () => {
    const body = { systemInstruction: { parts: [{ text: 'Be brief.' }] }, contents: [user('Hello there')] };
    const res = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', body);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      candidates: [
        {
          content: { parts: [{ text: `${GEMINI_REPLY_PREFIX}Hello there` }], role: 'model' },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 5,
        candidatesTokenCount: 13,
        totalTokenCount: 18,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }],
      },
      modelVersion: 'gemini-2.0-flash',
      responseId: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
    });
    expect(res.json.usageMetadata).toEqual(predictGeminiUsage(body, { model: 'gemini-2.0-flash' }));
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1beta/models/gemini-2.0-flash:generateContent',
    });
  });

  it('thinks on 2.5 models: thoughtsTokenCount always, thought parts only with includeThoughts, signed answers', async () => {
    const plain = await call(fake, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [user('Why?')],
    });
    expect(plain.json.candidates[0].content.parts).toEqual([
      { text: `${GEMINI_REPLY_PREFIX}Why?`, thoughtSignature: fakeThoughtSignature('') },
    ]);
    expect(plain.json.usageMetadata.thoughtsTokenCount).toBe(
      Math.ceil(`${GEMINI_THOUGHT_PREFIX}Why?`.length / 4),
    );
    const body = {
      contents: [user('Why?')],
      generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    };
    const res = await call(fake, '/v1beta/models/gemini-2.5-flash:generateContent', body);
    expect(res.json.candidates[0].content.parts[0]).toEqual({
      text: `${GEMINI_THOUGHT_PREFIX}Why?`,
      thought: true,
    });
    expect(res.json.usageMetadata).toEqual(predictGeminiUsage(body, { model: 'gemini-2.5-flash' }));
    const usage = res.json.usageMetadata;
    expect(usage.totalTokenCount).toBe(
      usage.promptTokenCount + usage.candidatesTokenCount + usage.thoughtsTokenCount,
    );
    const off = await call(fake, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [user('Why?')],
      generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 0 } },
    });
    expect(off.json.usageMetadata.thoughtsTokenCount).toBeUndefined();
    expect(off.json.candidates[0].content.parts).toEqual([{ text: `${GEMINI_REPLY_PREFIX}Why?` }]);
  });

  it('calls functions when asked in AUTO mode or forced with ANY; NONE never calls', async () => {
    const auto = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user("What's the weather in Paris? Also call get_time")],
      tools: [weatherTool],
    });
    expect(auto.json.candidates[0]).toEqual({
      content: {
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'sample city', unit: 'c' } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
        role: 'model',
      },
      finishReason: 'STOP',
      index: 0,
    });
    const forced = await call(fake, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [user('hello')],
      tools: [weatherTool],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } },
    });
    expect(forced.json.candidates[0].content.parts).toEqual([
      { functionCall: { name: 'get_time', args: {} }, thoughtSignature: fakeThoughtSignature('get_time') },
    ]);
    const none = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('call get_time')],
      tools: [weatherTool],
      tool_config: { function_calling_config: { mode: 'NONE' } },
    });
    expect(none.json.candidates[0].content.parts[0].text).toBe(`${GEMINI_REPLY_PREFIX}call get_time`);
  });

  it('answers after function responses and refuses missing or foreign signatures on Gemini 3', async () => {
    const history = (signature?: string) => [
      user('call get_weather'),
      {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris' } },
            ...(signature === undefined ? {} : { thoughtSignature: signature }),
          },
        ],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { output: '21 C and sunny' } } }],
      },
    ];
    const ok = await call(fake, '/v1beta/models/gemini-3-flash-preview:generateContent', {
      contents: history(fakeThoughtSignature('get_weather')),
      tools: [weatherTool],
    });
    expect(ok.status).toBe(200);
    expect(ok.json.candidates[0].content.parts[0].text).toBe(
      `${GEMINI_REPLY_PREFIX}tool result: 21 C and sunny`,
    );
    const skip = await call(fake, '/v1beta/models/gemini-3-flash-preview:generateContent', {
      contents: history('skip_thought_signature_validator'),
    });
    expect(skip.status).toBe(200);
    const missing = await call(fake, '/v1beta/models/gemini-3-pro-preview:generateContent', {
      contents: history(),
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(missing.json.error.message).toMatch(
      /^Function call is missing a thought_signature in functionCall parts/,
    );
    const older = await call(fake, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: history(),
    });
    expect(older.status).toBe(200);
    const foreign = await call(fake, '/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: history('EqQBCkgIAxABGAIiQFmXc2lnbmF0dXJl'),
    });
    expect(foreign.json.error).toMatchObject({ code: 400, message: 'Corrupted thought signature.' });
    await start({ thoughtSignatures: 'always' });
    expect(
      (await call(fake, '/v1beta/models/gemini-2.5-flash:generateContent', { contents: history() })).status,
    ).toBe(400);
  });

  it('streams the image of an image model asked for IMAGE output whole, in the last chunk', async () => {
    const images = await startFakeGemini({ models: ['gemini-2.5-flash-image'] });
    try {
      const body = {
        contents: [user('draw a fox')],
        generationConfig: { responseModalities: ['TEXT', 'IMAGE'] },
      };
      const res = await call(images, '/v1beta/models/gemini-2.5-flash-image:streamGenerateContent', body, {
        query: '?alt=sse',
      });
      const chunks = sseChunks(res.text);
      const last = chunks[chunks.length - 1];
      expect(last.candidates[0]).toMatchObject({
        content: { parts: [{ inlineData: { mimeType: 'image/png', data: FAKE_PNG_BASE64 } }] },
        finishReason: 'STOP',
      });
      expect(last.usageMetadata).toEqual(predictGeminiUsage(body, { model: 'gemini-2.5-flash-image' }));
      const text = chunks
        .slice(0, -1)
        .map((c) => c.candidates[0].content.parts.map((p: any) => p.text).join(''))
        .join('');
      expect(text).toBe(`${GEMINI_REPLY_PREFIX}draw a fox`);
    } finally {
      await images.close();
    }
  });

  it('streams SSE chunks with thought, words and a final chunk with finishReason and full usage', async () => {
    const body = {
      contents: [user('Stream this please')],
      generationConfig: { thinkingConfig: { includeThoughts: true } },
    };
    const res = await call(fake, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', body, {
      query: '?alt=sse',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const chunks = sseChunks(res.text);
    expect(chunks[0].candidates[0].content.parts).toEqual([
      { text: `${GEMINI_THOUGHT_PREFIX}Stream this please`, thought: true },
    ]);
    const text = chunks
      .slice(1)
      .map((c) => c.candidates[0].content.parts.map((p: any) => p.text).join(''))
      .join('');
    expect(text).toBe(`${GEMINI_REPLY_PREFIX}Stream this please`);
    const last = chunks[chunks.length - 1];
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.candidates[0].content.parts[0].thoughtSignature).toBe(fakeThoughtSignature(''));
    expect(last.usageMetadata).toEqual(predictGeminiUsage(body, { model: 'gemini-2.5-flash' }));
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.candidates[0].finishReason).toBeUndefined();
      expect(chunk.usageMetadata.candidatesTokenCount).toBeUndefined();
      expect(chunk.responseId).toBe(last.responseId);
    }
    const array = await call(fake, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', body);
    expect(Array.isArray(array.json)).toBe(true);
    expect(array.json.length).toBe(chunks.length);
  });

  it('streams function calls whole, one chunk each, and json output valid for responseSchema', async () => {
    const res = await call(
      fake,
      '/v1beta/models/gemini-2.0-flash:streamGenerateContent',
      { contents: [user('call get_weather and call get_time')], tools: [weatherTool] },
      { query: '?alt=sse' },
    );
    const chunks = sseChunks(res.text);
    expect(chunks.map((c) => c.candidates[0].content.parts[0].functionCall.name)).toEqual([
      'get_weather',
      'get_time',
    ]);
    expect(chunks[1].candidates[0].finishReason).toBe('STOP');
    const json = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('a person')],
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: {
          type: 'OBJECT',
          properties: { age: { type: 'INTEGER', minimum: 3 } },
          required: ['age'],
        },
      },
    });
    expect(JSON.parse(json.json.candidates[0].content.parts[0].text)).toEqual({ age: 3 });
  });

  it('applies maxOutputTokens, stopSequences, candidateCount, cachedContent and blocks', async () => {
    const cut = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('a long question')],
      generationConfig: { maxOutputTokens: 2, stopSequences: ['zzz'], candidateCount: 2 },
    });
    expect(cut.json.candidates).toHaveLength(2);
    expect(cut.json.candidates[1]).toMatchObject({ finishReason: 'MAX_TOKENS', index: 1 });
    expect(cut.json.candidates[0].content.parts[0].text).toBe('Hello! T');
    expect(cut.json.usageMetadata.candidatesTokenCount).toBe(4);
    const cached = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('x'.repeat(400))],
      cachedContent: 'cachedContents/abc',
    });
    expect(cached.json.usageMetadata).toMatchObject({
      promptTokenCount: 100,
      cachedContentTokenCount: 50,
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 50 }],
    });
    const blocked = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('[blocked]')],
    });
    expect(blocked.json).toMatchObject({ promptFeedback: { blockReason: 'SAFETY' } });
    expect(blocked.json.candidates).toBeUndefined();
    const unsafe = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('[unsafe]')],
    });
    expect(unsafe.json.candidates).toEqual([{ finishReason: 'SAFETY', index: 0 }]);
    await start({ cachedTokens: 3 });
    const fixed = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('hi there')],
    });
    expect(fixed.json.usageMetadata.cachedContentTokenCount).toBe(2);
  });

  it('checks the key from x-goog-api-key or ?key= in Google error shapes', async () => {
    const body = { contents: [user('hi')] };
    const missing = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', body, { key: null });
    expect(missing.status).toBe(403);
    expect(missing.json.error.status).toBe('PERMISSION_DENIED');
    const viaQuery = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', body, {
      key: null,
      query: `?key=${KEY}`,
    });
    expect(viaQuery.status).toBe(200);
    await start({ apiKey: 'right' });
    const wrong = await call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', body, { key: 'wrong' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatchObject({
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      details: [expect.objectContaining({ reason: 'API_KEY_INVALID' }), expect.anything()],
    });
    expect(
      (await call(fake, '/v1/models/gemini-2.0-flash:generateContent', body, { key: 'right' })).status,
    ).toBe(200);
  });

  it('refuses what Gemini refuses: unknown fields, JSON Schema outside the subset, empty contents, bad roles', async () => {
    const gen = (body: unknown) => call(fake, '/v1beta/models/gemini-2.0-flash:generateContent', body);
    const unknown = await gen({
      contents: [user('x')],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'f',
              parameters: {
                type: 'object',
                properties: { a: { type: 'string' } },
                additionalProperties: false,
              },
            },
          ],
        },
      ],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe(
      `Invalid JSON payload received. Unknown name "additionalProperties" at 'tools[0].function_declarations[0].parameters': Cannot find field.`,
    );
    const list = await gen({
      contents: [user('x')],
      tools: [
        {
          functionDeclarations: [
            { name: 'f', parameters: { type: 'object', properties: { a: { type: ['string', 'null'] } } } },
          ],
        },
      ],
    });
    expect(list.json.error.message).toMatch(/Proto field is not repeating, cannot start list/);
    const semantic = await gen({
      contents: [user('x')],
      tools: [
        {
          functionDeclarations: [
            { name: 'empty', parameters: { type: 'object', properties: {} } },
            {
              name: 'g',
              parameters: {
                type: 'object',
                properties: { u: { type: 'string', format: 'uri' }, l: { type: 'array' }, n: {} },
                required: ['u', 'zzz'],
              },
            },
          ],
        },
      ],
    });
    expect(semantic.json.error.message).toBe(
      [
        '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties: should be non-empty for OBJECT type',
        "* GenerateContentRequest.tools[0].function_declarations[1].parameters.properties[u].format: only 'enum' and 'date-time' are supported for STRING type",
        '* GenerateContentRequest.tools[0].function_declarations[1].parameters.properties[l].items: missing field.',
        '* GenerateContentRequest.tools[0].function_declarations[1].parameters.properties[n].type: must be specified when not using one_of, any_of or all_of fields',
        '* GenerateContentRequest.tools[0].function_declarations[1].parameters.required[1]: property is not defined',
        '',
      ].join('\n'),
    );
    expect((await gen({ contents: [] })).json.error.message).toBe(
      '* GenerateContentRequest.contents: contents is not specified\n',
    );
    expect(
      (await gen({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] })).json.error.message,
    ).toBe('Please use a valid role: user, model.');
    expect(
      (
        await gen({
          contents: [user('x')],
          safetySettings: [{ category: 'HARM_CATEGORY_X', threshold: 'BLOCK_NONE' }],
        })
      ).status,
    ).toBe(400);
    expect((await gen('{nope')).json.error.status).toBe('INVALID_ARGUMENT');
  });

  it('counts tokens, lists and gets models, 404s unknown routes and models', async () => {
    const count = await call(fake, '/v1beta/models/gemini-2.0-flash:countTokens', {
      contents: [
        {
          role: 'user',
          parts: [{ text: 'abcdefgh' }, { inlineData: { mimeType: 'image/png', data: 'AA==' } }],
        },
      ],
    });
    expect(count.json).toEqual({
      totalTokens: 2 + 258,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 2 },
        { modality: 'IMAGE', tokenCount: 258 },
      ],
    });
    const wrapped = await call(fake, '/v1beta/models/gemini-2.0-flash:countTokens', {
      generateContentRequest: { model: 'models/gemini-2.0-flash', contents: [user('abcd')] },
    });
    expect(wrapped.json.totalTokens).toBe(1);
    const list = await call(fake, '/v1beta/models', undefined, { query: '?pageSize=2' });
    expect(list.json.models.map((m: any) => m.name)).toEqual([
      'models/gemini-2.5-pro',
      'models/gemini-2.5-flash',
    ]);
    expect(list.json.nextPageToken).toBe('2');
    const model = await call(fake, '/v1beta/models/gemini-2.5-flash');
    expect(model.json).toMatchObject({
      name: 'models/gemini-2.5-flash',
      inputTokenLimit: 1048576,
      thinking: true,
    });
    expect((await call(fake, '/v1beta/models/gemini-9')).json.error).toMatchObject({
      code: 404,
      status: 'NOT_FOUND',
    });
    expect((await call(fake, '/v1/chat/completions', { x: 1 })).status).toBe(404);
  });
});
