import { GatewayError, type CanonicalRequest, type UpstreamChannel } from '@one-api/llm-core';
import { buildGeminiBody, buildGeminiRequest } from './build-request';
import { fixtureJson } from './fixtures/read-fixture';
import { geminiApiVersion, geminiUrl } from './upstream-url';

const channel: UpstreamChannel = { type: 24, baseUrl: '', key: 'AIza-test', config: {} };

function request(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: 'gemini-2.5-flash',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    sampling: {},
    stream: false,
    ...overrides,
  };
}

function body(overrides: Partial<CanonicalRequest> = {}, options = {}) {
  return buildGeminiBody(request(overrides), options);
}

describe('Gemini URL and version', () => {
  it('uses config.api_version, then other, then the relay default, then v1beta', () => {
    expect(geminiApiVersion({ config: { api_version: 'v1alpha' }, other: 'v1' }, 'v1')).toBe('v1alpha');
    expect(geminiApiVersion({ config: {}, other: 'v1' }, 'v1alpha')).toBe('v1');
    expect(geminiApiVersion({ config: { api_version: ' ' }, other: '' }, 'v1')).toBe('v1');
    expect(geminiApiVersion({ config: {} })).toBe('v1beta');
  });

  it('builds generateContent and streamGenerateContent?alt=sse URLs', () => {
    expect(geminiUrl(channel, 'gemini-2.5-flash', 'generateContent')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
    );
    expect(
      geminiUrl(
        { ...channel, baseUrl: 'http://127.0.0.1:9/' },
        'gemini-2.5-pro',
        'streamGenerateContent',
        'v1',
      ),
    ).toBe('http://127.0.0.1:9/v1/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(
      geminiUrl(
        { ...channel, baseUrl: 'https://proxy.example/google/v1beta' },
        'models/gemini-2.0-flash',
        'countTokens',
      ),
    ).toBe('https://proxy.example/google/v1beta/models/gemini-2.0-flash:countTokens');
    expect(geminiUrl(channel, 'tunedModels/my-model-123', 'generateContent')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/tunedModels/my-model-123:generateContent',
    );
  });

  it('sends the key in x-goog-api-key and picks the method from the stream flag', () => {
    const built = buildGeminiRequest(request({ stream: true }), {
      ...channel,
      config: { api_version: 'v1' },
    });
    expect(built.method).toBe('POST');
    expect(built.url).toBe(
      'https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(built.headers).toEqual({ 'Content-Type': 'application/json', 'x-goog-api-key': 'AIza-test' });
    const withDefault = buildGeminiRequest(request(), channel, { defaultApiVersion: 'v1alpha' });
    expect(withDefault.url).toContain('/v1alpha/models/');
  });
});

describe('buildGeminiBody', () => {
  it('replays the tools + history fixture: signatures restored, foreign ones dropped, results keyed by name', () => {
    const canonical = fixtureJson<CanonicalRequest>('canonical-request-tools-history.json');
    const built = buildGeminiRequest(canonical, channel);
    expect(JSON.parse(built.body)).toEqual(fixtureJson('generate-request-tools-history.json'));
    expect(built.warnings).toEqual([
      'cache_control hints were dropped: Gemini caches prompts implicitly (cachedContent is not used)',
    ]);
  });

  it('maps tool_choice to functionCallingConfig modes', () => {
    const tools = [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } }];
    const config = (toolChoice: CanonicalRequest['toolChoice']) =>
      body({ tools, toolChoice }).body.toolConfig;
    expect(config('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(config('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(config('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(config({ type: 'tool', name: 'f' })).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] },
    });
    expect(config(undefined)).toBeUndefined();
    expect(body({ toolChoice: 'required' }).body.toolConfig).toBeUndefined();
  });

  it('maps sampling, n, stop (at most five) and structured output to generationConfig', () => {
    const { body: b, warnings } = body({
      sampling: {
        maxTokens: 64,
        temperature: 0,
        topP: 1,
        topK: 3,
        stop: ['a', 'b', 'c', 'd', 'e', 'f'],
        n: 2,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
        logprobs: true,
      },
      responseFormat: {
        type: 'json_schema',
        name: 'person',
        schema: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false },
      },
    });
    expect(b.generationConfig).toEqual({
      maxOutputTokens: 64,
      temperature: 0,
      topP: 1,
      topK: 3,
      stopSequences: ['a', 'b', 'c', 'd', 'e'],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { name: { type: 'string' } } },
    });
    expect(warnings).toEqual([
      'only the first 5 stop sequences were sent: Gemini accepts no more',
      'logprobs were dropped: the Gemini adapter does not return them',
    ]);
    expect(body({ responseFormat: { type: 'json_object' } }).body.generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    expect(body({ responseFormat: { type: 'text' } }).body.generationConfig).toBeUndefined();
  });

  it('maps reasoning to thinkingConfig by model family', () => {
    const thinking = (model: string, reasoning: CanonicalRequest['reasoning']) =>
      (body({ model, reasoning }).body.generationConfig as Record<string, unknown> | undefined)
        ?.thinkingConfig;
    expect(thinking('gemini-2.5-flash', undefined)).toBeUndefined();
    expect(thinking('gemini-2.5-flash', { budgetTokens: 4096 })).toEqual({
      includeThoughts: true,
      thinkingBudget: 4096,
    });
    expect(thinking('gemini-2.5-flash', { effort: 'low' })).toEqual({
      includeThoughts: true,
      thinkingBudget: 1024,
    });
    expect(thinking('gemini-2.5-pro', { effort: 'high' })).toEqual({
      includeThoughts: true,
      thinkingBudget: 24576,
    });
    expect(thinking('gemini-2.5-flash', { enabled: true })).toEqual({
      includeThoughts: true,
      thinkingBudget: -1,
    });
    expect(thinking('gemini-2.5-flash', { enabled: false })).toEqual({ thinkingBudget: 0 });
    expect(thinking('gemini-2.5-pro', { effort: 'none' })).toEqual({ thinkingBudget: 128 });
    expect(thinking('gemini-3-pro-preview', { effort: 'medium' })).toEqual({
      includeThoughts: true,
      thinkingLevel: 'high',
    });
    expect(thinking('gemini-3-flash-preview', { effort: 'medium' })).toEqual({
      includeThoughts: true,
      thinkingLevel: 'medium',
    });
    expect(thinking('gemini-3-flash-preview', { effort: 'minimal' })).toEqual({
      includeThoughts: true,
      thinkingLevel: 'minimal',
    });
    expect(thinking('gemini-3-pro-preview', { enabled: true })).toEqual({ includeThoughts: true });
    expect(thinking('gemini-3-pro-preview', { enabled: false })).toEqual({ thinkingLevel: 'low' });
  });

  it('sends the configured safety threshold for every adjustable category, none when empty', () => {
    expect(body({}, { safetyThreshold: 'BLOCK_ONLY_HIGH' }).body.safetySettings).toEqual([
      { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' },
      { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' },
      { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'BLOCK_ONLY_HIGH' },
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'BLOCK_ONLY_HIGH' },
    ]);
    expect(body({}, { safetyThreshold: '' }).body.safetySettings).toBeUndefined();
  });

  it('sends inline media, Files API URIs as fileData, and refuses other URLs', () => {
    const { body: b } = body({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'url', url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            {
              type: 'image',
              source: { kind: 'url', url: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' },
            },
            { type: 'image', source: { kind: 'url', url: 'gs://bucket/cat.png' } },
            { type: 'audio', data: 'UklGRg==', format: 'wav' },
            { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' },
            { type: 'text', text: '' },
          ],
        },
      ],
    });
    expect(b.contents).toEqual([
      {
        role: 'user',
        parts: [
          { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
          {
            fileData: {
              mimeType: 'image/jpeg',
              fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123',
            },
          },
          { fileData: { mimeType: 'image/png', fileUri: 'gs://bucket/cat.png' } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
        ],
      },
    ]);
    let thrown: unknown;
    try {
      body({
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } }],
          },
        ],
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({ kind: 'invalid-request', status: 400, param: 'image_url' });
    expect((thrown as Error).message).toMatch(/base64 data URL/);
  });

  it('merges same-role turns, keeps function responses apart, moves tool images and mid-conversation system text', () => {
    const { body: b, warnings } = body({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'one' }] },
        { role: 'system', content: [{ type: 'text', text: 'be brief' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool-call', id: 'c1', name: 'shot', arguments: 'not json' }],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'c1',
              content: [
                { type: 'text', text: 'taken' },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AA==' } },
              ],
            },
            { type: 'tool-result', toolCallId: 'orphan', name: 'legacy_fn', content: [] },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
      ],
    });
    expect(b.contents).toEqual([
      { role: 'user', parts: [{ text: 'one' }, { text: 'be brief' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'shot', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'shot', response: { output: 'taken' } } },
          { functionResponse: { name: 'legacy_fn', response: { output: '' } } },
        ],
      },
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }, { text: 'two' }] },
    ]);
    expect(warnings).toEqual([
      'a system message inside the conversation was sent as user text',
      'tool call arguments that were not a JSON object were sent as an empty object',
      'images in tool results were moved to a following user turn',
    ]);
  });

  it('puts a signature kept apart from the content (OpenAI thinking) on the first call, not on text', () => {
    const { body: b } = body({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'plan', signature: 'gemini:SIG' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'c', name: 'f', arguments: '{"a":1}' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '', signature: 'gemini:TXT' },
            { type: 'text', text: 'ok' },
          ],
        },
      ],
    });
    expect(b.contents).toEqual([
      { role: 'user', parts: [{ text: 'q' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.' },
          { functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'SIG' },
          { text: 'ok', thoughtSignature: 'TXT' },
        ],
      },
    ]);
  });

  it('refuses a request with nothing to send', () => {
    expect(() => body({ messages: [{ role: 'assistant', content: [{ type: 'text', text: '' }] }] })).toThrow(
      /at least one message/,
    );
  });

  it('asks for IMAGE output when the caller wants images (Chat modalities), and nothing otherwise', () => {
    expect(body({ outputModalities: ['text', 'image'] }).body.generationConfig).toMatchObject({
      responseModalities: ['TEXT', 'IMAGE'],
    });
    expect(body({ outputModalities: ['image'] }).body.generationConfig).toMatchObject({
      responseModalities: ['IMAGE'],
    });
    expect(body({ outputModalities: ['text'] }).body.generationConfig).toBeUndefined();
    expect(body().body.generationConfig).toBeUndefined();
  });
});
