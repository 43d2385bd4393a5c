import { type FakeProvider } from '../core/fake-server';
import { startFakeAzureOpenAI } from './fake-azure';

describe('fake Azure OpenAI', () => {
  let fake: FakeProvider;
  const chat = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi azure' }] };
  const call = (
    path: string,
    headers: Record<string, string> = { 'api-key': 'az-key' },
    body: unknown = chat,
  ) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await startFakeAzureOpenAI({
      apiKey: 'az-key',
      apiVersion: '2024-10-21',
      deployments: ['gpt-4o'],
    });
  });
  afterAll(() => fake.close());

  it("answers a deployment with the fake OpenAI's answer", async () => {
    const res = await call('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      choices: [{ message: { content: expect.stringContaining('hi azure') } }],
    });
  });

  it('answers the Responses API on the v1 surface', async () => {
    const res = await call('/openai/v1/responses', undefined, { model: 'gpt-5-mini', input: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'response' });
  });

  it.each([
    ['no api-version', '/openai/deployments/gpt-4o/chat/completions', { 'api-key': 'az-key' }, 404],
    [
      'another api-version',
      '/openai/deployments/gpt-4o/chat/completions?api-version=2023-05-15',
      { 'api-key': 'az-key' },
      404,
    ],
    [
      'a bearer key',
      '/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
      { authorization: 'Bearer az-key' },
      401,
    ],
    [
      'both headers',
      '/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
      { 'api-key': 'az-key', authorization: 'Bearer az-key' },
      401,
    ],
    [
      'a wrong key',
      '/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
      { 'api-key': 'nope' },
      401,
    ],
    [
      'an unknown deployment',
      '/openai/deployments/gpt-35-turbo/chat/completions?api-version=2024-10-21',
      { 'api-key': 'az-key' },
      404,
    ],
    ['the plain OpenAI path', '/v1/chat/completions', { 'api-key': 'az-key' }, 404],
  ])('refuses %s', async (_what, path, headers, status) => {
    const res = await call(path, headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({
      error: { code: expect.any(String), message: expect.any(String) },
    });
  });

  describe('stream_options by api-version', () => {
    let open: FakeProvider;
    beforeAll(async () => {
      open = await startFakeAzureOpenAI({ apiKey: 'az-key' });
    });
    afterAll(() => open.close());
    const streamed = { ...chat, stream: true, stream_options: { include_usage: true } };
    const post = (version: string, body: unknown) =>
      fetch(`${open.url}/openai/deployments/gpt-4o/chat/completions?api-version=${version}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'api-key': 'az-key' },
        body: JSON.stringify(body),
      });

    it.each(['2024-03-01-preview', '2024-06-01', '2024-08-01-preview'])(
      'refuses them on %s as Azure does',
      async (version) => {
        const res = await post(version, streamed);
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({
          error: {
            message: expect.stringMatching(/^Unrecognized request argument supplied: stream_options\./),
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        });
        expect((await post(version, { ...chat, stream: true })).status).toBe(200);
      },
    );

    it.each(['2024-09-01-preview', '2024-10-21', 'preview'])('streams usage on %s', async (version) => {
      const res = await post(version, streamed);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('"usage":{');
    });
  });
});
