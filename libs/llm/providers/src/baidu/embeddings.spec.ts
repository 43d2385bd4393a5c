import { baiduAdapter } from './adapter';
import { ernieEmbeddingEndpoint } from './embeddings';
import { fixtureJson } from './fixtures/read-fixture';

describe('ERNIE embeddings', () => {
  const channel = { type: 15, baseUrl: '', key: 'ak|sk', config: {} };

  it('maps models to endpoints and the request to {input}', () => {
    expect(ernieEmbeddingEndpoint('Embedding-V1')).toBe('embedding-v1');
    expect(ernieEmbeddingEndpoint('bge-large-zh')).toBe('bge_large_zh');
    expect(ernieEmbeddingEndpoint('tao-8k')).toBe('tao_8k');
    const http = baiduAdapter.embeddings!.buildRequest({ model: 'Embedding-V1', input: 'hello' }, channel);
    expect(http.url).toBe(
      'https://aip.baidubce.com/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1',
    );
    expect(JSON.parse(http.body)).toEqual({ input: ['hello'] });
  });

  it('answers in OpenAI shape; an in-body error is thrown', () => {
    expect(
      baiduAdapter.embeddings!.toOpenAi(fixtureJson('embeddings-response.json'), 'Embedding-V1'),
    ).toEqual({
      object: 'list',
      data: [
        {
          object: 'embedding',
          index: 0,
          embedding: [0.018314670771360397, 0.00942440889775753, -0.36294862627983093],
        },
      ],
      model: 'Embedding-V1',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(() => baiduAdapter.embeddings!.toOpenAi(fixtureJson('error-18-qps.json'), 'm')).toThrow(
      expect.objectContaining({ kind: 'rate-limit' }),
    );
  });
});
