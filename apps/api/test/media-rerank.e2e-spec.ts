import {
  fakeRelevance,
  FakeProvider,
  predictRerankTokens,
  startFakeCohere,
  startFakeOpenAI,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const QUOTA_PER_USD = 500_000;

describe('rerank: /v1/rerank and /v2/rerank', () => {
  let t: TestApp;
  let compatible: FakeProvider;
  let cohere: FakeProvider;
  let root: Agent;
  let key: { id: number; key: string };

  const query = 'which doc talks about quota'; // 27 characters: 7 tokens in the fakes
  const documents = Array.from({ length: 150 }, (_, i) =>
    (i === 42 ? 'this doc talks about quota ' : `filler document number ${i} `).padEnd(400, '.'),
  );

  beforeAll(async () => {
    compatible = await startFakeOpenAI();
    cohere = await startFakeCohere();
    t = await startTestApp();
    root = await t.login('root', '123456');
    await createChannel(root, {
      type: 44, // SiliconFlow: serves Jina-style /v1/rerank
      name: 'fake siliconflow',
      base_url: compatible.url,
      models: 'jina-reranker-v2-base-multilingual,BAAI/bge-reranker-v2-m3,rerank-english-v3.0',
    });
    await createChannel(root, { type: 35, name: 'fake cohere', base_url: cohere.url, models: 'rerank-v3.5' });
    key = await createKey(root, { name: 'rerank', remain_quota: 10_000_000 });
  });

  afterAll(async () => {
    await t?.close();
    await compatible?.close();
    await cohere?.close();
  });

  beforeEach(() => {
    compatible.reset();
    cohere.reset();
  });

  const remaining = async () => (await root.get(`/api/token/${key.id}`)).body.data.remain_quota as number;
  const consumeLogs = async () =>
    (await root.get('/api/log/').query({ type: 2, size: 100 })).body.data as Array<{
      quota: number;
      model_name: string;
    }>;

  async function rerank(body: Record<string, unknown>, path = '/v1/rerank') {
    await settled(t);
    const before = await remaining();
    const logsBefore = (await consumeLogs()).length;
    const res = await t.http.post(path).set('Authorization', `Bearer ${key.key}`).send(body);
    await settled(t);
    const logs = await consumeLogs();
    return { res, cost: before - (await remaining()), newLogs: logs.slice(0, logs.length - logsBefore) };
  }

  it('Jina-style rerank on an OpenAI-compatible channel, billed by usage.total_tokens ($0.02/1M)', async () => {
    const { res, cost, newLogs } = await rerank({
      model: 'jina-reranker-v2-base-multilingual',
      query,
      documents,
      top_n: 3,
      return_documents: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(3);
    expect(res.body.results[0]).toEqual({
      index: 42,
      relevance_score: fakeRelevance(query, documents[42]),
      document: { text: documents[42] },
    });
    const tokens = predictRerankTokens(query, documents);
    expect(tokens).toBe(150 * (7 + 100));
    expect(res.body.usage).toEqual({ total_tokens: tokens });
    expect(cost).toBe(Math.ceil((tokens * 0.02 * QUOTA_PER_USD) / 1e6)); // 161
    expect(newLogs).toHaveLength(1);
    expect(newLogs[0]).toMatchObject({ model_name: 'jina-reranker-v2-base-multilingual', quota: cost });
    expect(compatible.requests[0].path).toBe('/v1/rerank');
  });

  it('Cohere-compatible answers bill meta.billed_units.search_units, on /v2/rerank too', async () => {
    const { res, cost } = await rerank(
      { model: 'rerank-english-v3.0', query, documents, return_documents: false },
      '/v2/rerank',
    );
    expect(res.status).toBe(200);
    expect(res.body.meta.billed_units).toEqual({ search_units: 2 });
    expect(res.body.results[0]).toEqual({ index: 42, relevance_score: fakeRelevance(query, documents[42]) });
    expect(cost).toBe(2 * (2 / 1000) * QUOTA_PER_USD); // 2 searches at $2 per 1000
  });

  it('a native Cohere channel: /v2/rerank upstream, the answer in the same shape, search units billed', async () => {
    const { res, cost } = await rerank({ model: 'rerank-v3.5', query, documents, top_n: 2 });
    expect(res.status).toBe(200);
    expect(cohere.requests[0].path).toBe('/v2/rerank');
    expect(cohere.requests[0].body).toMatchObject({ model: 'rerank-v3.5', query, top_n: 2 });
    expect(res.body.results).toHaveLength(2);
    expect(res.body.results[0].index).toBe(42);
    expect(res.body.results[0].document).toEqual({ text: documents[42] });
    expect(res.body.meta).toEqual({ billed_units: { search_units: 2 } });
    expect(cost).toBe(2000);
  });

  it('bad input is an OpenAI-style 400 without an upstream call or a charge', async () => {
    const { res, cost } = await rerank({ model: 'rerank-v3.5', query, documents: [] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'documents' });
    expect(cost).toBe(0);
    expect(cohere.requests).toHaveLength(0);
  });

  it('a provider error gives the hold back', async () => {
    cohere.failNext(1, '500');
    const { res, cost, newLogs } = await rerank({ model: 'rerank-v3.5', query, documents });
    expect(res.status).toBe(500);
    expect(res.body.error.message).toMatch(/\(request id: \d+\)$/);
    expect(cost).toBe(0);
    expect(newLogs).toHaveLength(1);
  });
});
