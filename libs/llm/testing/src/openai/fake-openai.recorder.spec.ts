import OpenAI from 'openai';
import type { FakeProvider } from '../core/fake-server';
import type { RecordedRequest } from '../core/recorder';
import { startFakeOpenAI } from './fake-openai';

describe('fake OpenAI: request recorder and control endpoints', () => {
  let fake: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-recorded', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('records method, path, url, headers, parsed body and raw body', async () => {
    const before = Date.now();
    await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'record me' }],
    });
    await client.models.list();
    expect(fake.requests).toHaveLength(2);
    const [chat, models] = fake.requests;
    expect(chat.method).toBe('POST');
    expect(chat.path).toBe('/v1/chat/completions');
    expect(chat.url).toBe('/v1/chat/completions');
    expect(chat.headers.authorization).toBe('Bearer sk-recorded');
    expect(chat.body).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'record me' }] });
    expect(JSON.parse(chat.rawBody)).toEqual(chat.body);
    expect(chat.fault).toBeUndefined();
    expect(chat.receivedAt).toBeGreaterThanOrEqual(before);
    expect(models).toMatchObject({ method: 'GET', path: '/v1/models', body: undefined, rawBody: '' });
  });

  it('keeps the raw text of an invalid JSON body, and the query string in url only', async () => {
    await fetch(`${fake.url}/v1/chat/completions?x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: '{not json',
    });
    expect(fake.requests[0]).toMatchObject({
      path: '/v1/chat/completions',
      url: '/v1/chat/completions?x=1',
      body: undefined,
      rawBody: '{not json',
    });
  });

  it('clear() forgets requests but keeps faults; reset() drops both', async () => {
    fake.setFault('500');
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    fake.clear();
    expect(fake.requests).toHaveLength(0);
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    await expect(client.models.list()).resolves.toBeDefined();
  });

  it('does not record with record: false', async () => {
    const quiet = await startFakeOpenAI({ record: false });
    try {
      const c = new OpenAI({ apiKey: 'k', baseURL: `${quiet.url}/v1`, maxRetries: 0 });
      await c.models.list();
      expect(quiet.requests).toHaveLength(0);
    } finally {
      await quiet.close();
    }
  });

  it('is controllable over HTTP: /_fake/fault, /_fake/requests, /_fake/reset', async () => {
    const post = (path: string, body?: unknown) =>
      fetch(`${fake.url}${path}`, {
        method: 'POST',
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    expect((await post('/_fake/fault', { fault: '429', count: 1 })).status).toBe(200);
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(client.models.list()).resolves.toBeDefined();

    expect((await post('/_fake/fault', { fault: '503' })).status).toBe(200);
    await expect(client.models.list()).rejects.toMatchObject({ status: 503 });
    expect((await post('/_fake/fault', { fault: null })).status).toBe(200);
    await expect(client.models.list()).resolves.toBeDefined();

    const bad = await post('/_fake/fault', { fault: 'nope' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/Unknown fault spec/);

    const listed = (await (await fetch(`${fake.url}/_fake/requests`)).json()) as {
      requests: RecordedRequest[];
    };
    expect(listed.requests.map((r) => r.fault ?? null)).toEqual(['429', null, '503', null]);
    // Control calls are not recorded.
    expect(fake.requests).toHaveLength(4);

    expect((await fetch(`${fake.url}/_fake/requests`, { method: 'DELETE' })).status).toBe(200);
    expect(fake.requests).toHaveLength(0);
    fake.setFault('500');
    expect((await post('/_fake/reset')).status).toBe(200);
    await expect(client.models.list()).resolves.toBeDefined();
  });
});
