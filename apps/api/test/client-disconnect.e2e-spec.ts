import { request as httpRequest } from 'node:http';
import { FakeProvider, startFakeOpenAI } from '@one-api/llm-testing';
import { describeEachEngine } from './databases';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled, sleep } from './relay-fixtures';

/** Sends a chat completion and hangs up after `afterMs`, whatever state the answer is in. */
function abandon(url: string, key: string, stream: boolean, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      stream,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    const req = httpRequest(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    req.on('response', (res) => res.resume());
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    setTimeout(() => req.destroy(), afterMs);
    req.end(body);
  });
}

describeEachEngine('clients that hang up at any moment', (engine) => {
  let t: TestApp;
  let fake: FakeProvider;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ record: false, chunkDelayMs: 3 } as never);
    t = await startTestApp({ engine, env: { LOG_LEVEL: 'warn' } });
    await createChannel(await t.login('root', '123456'), {
      name: 'c',
      base_url: fake.url,
      models: 'gpt-4o-mini',
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('every abandoned request is settled once: no hold left, remaining + used unchanged, one log each', async () => {
    const root = await t.login('root', '123456');
    const key = await createKey(root, { name: 'hang-up', remain_quota: 1_000_000 });
    // 1–30 ms covers every phase: before the hold, while the upstream is called, before and during the stream.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => abandon(t.url, key.key, i % 2 === 0, 1 + (i % 30))),
    );
    await sleep(1500);
    await settled(t);
    const holds = await t.dataSource.query('SELECT request_id FROM quota_holds WHERE refunded = 0');
    const [token] = await t.dataSource.query(
      `SELECT remain_quota, used_quota FROM tokens WHERE id = ${key.id}`,
    );
    const [logs] = await t.dataSource.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT request_id) AS d, COALESCE(SUM(quota), 0) AS q FROM logs WHERE type = 2 AND token_id = ${key.id}`,
    );
    expect(holds).toEqual([]);
    expect(Number(token.remain_quota) + Number(token.used_quota)).toBe(1_000_000);
    expect(Number(logs.q)).toBe(Number(token.used_quota));
    expect(Number(logs.n)).toBe(Number(logs.d));
  });
});
