import { encodeEmbeddingsBase64 } from '../openai/embedding-encoding';
import { aliAdapter } from './adapter';
import { fixtureJson } from './fixtures/read-fixture';

describe('DashScope embeddings', () => {
  const channel = { type: 17, baseUrl: '', key: 'sk-dashscope', config: {} };

  it('maps an OpenAI embeddings request onto text-embedding', () => {
    const http = aliAdapter.embeddings!.buildRequest(
      { model: 'text-embedding-v4', input: ['a', 'b'], dimensions: 512 },
      channel,
    );
    expect(http.url).toBe(
      'https://dashscope.aliyuncs.com/api/v1/services/embeddings/text-embedding/text-embedding',
    );
    expect(http.headers.Authorization).toBe('Bearer sk-dashscope');
    expect(JSON.parse(http.body)).toEqual({
      model: 'text-embedding-v4',
      input: { texts: ['a', 'b'] },
      parameters: { dimension: 512 },
    });
    expect(() => aliAdapter.embeddings!.buildRequest({ model: 'm', input: [1, 2] }, channel)).toThrow(
      /text input/,
    );
  });

  it('answers in OpenAI shape (and as base64 float32 when asked)', () => {
    const answer = aliAdapter.embeddings!.toOpenAi(
      fixtureJson('embeddings-response.json'),
      'text-embedding-v4',
    );
    expect(answer).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.0123, -0.0456, 0.0789] },
        { object: 'embedding', index: 1, embedding: [-0.0321, 0.0654, -0.0987] },
      ],
      model: 'text-embedding-v4',
      usage: { prompt_tokens: 12, total_tokens: 12 },
    });
    const encoded = encodeEmbeddingsBase64(answer) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(encoded.data[0].embedding, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 3))).toEqual(
      Array.from(Float32Array.from([0.0123, -0.0456, 0.0789])),
    );
    expect(() => aliAdapter.embeddings!.toOpenAi(fixtureJson('error-401-invalid-api-key.json'), 'm')).toThrow(
      'Invalid API-key provided.',
    );
  });
});
