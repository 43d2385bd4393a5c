import type { FakeProvider } from '../core/fake-server';
import { startFakeGemini } from './fake-gemini';

const BODY = { contents: [{ role: 'user', parts: [{ text: 'one two three four five' }] }] };
const PATH = '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse';

async function post(url: string, body: unknown = BODY) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
    body: JSON.stringify(body),
  });
  return res;
}

async function readRaw(url: string): Promise<{ text: string; broke: boolean }> {
  const res = await post(url);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broke: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broke: true };
  }
}

describe('fake Gemini faults', () => {
  let fake: FakeProvider;
  beforeEach(async () => {
    fake = await startFakeGemini();
  });
  afterEach(() => fake.close());

  it('answers status faults in Google shapes: 429 with RetryInfo, 400 token count, 503, 500', async () => {
    fake.failNext(1, '429:7');
    const limited = await post(`${fake.url}/v1beta/models/gemini-2.5-pro:generateContent`);
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as any;
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(body.error.message).toMatch(/model: gemini-2\.5-pro\nPlease retry in 7s\.$/);
    expect(body.error.details[2]).toEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '7s',
    });
    fake.setFault('400');
    const long = (await (
      await post(`${fake.url}/v1beta/models/gemini-2.0-flash:generateContent`)
    ).json()) as any;
    expect(long.error).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'The input token count (1048582) exceeds the maximum number of tokens allowed (1048576).',
    });
    fake.setFault('503');
    expect(
      ((await (await post(`${fake.url}/v1beta/models/x:generateContent`)).json()) as any).error.status,
    ).toBe('UNAVAILABLE');
    fake.setFault(null);
    const viaUrl = await post(`${fake.faultUrl('500')}/v1beta/models/x:generateContent`);
    expect(viaUrl.status).toBe(500);
    expect(((await viaUrl.json()) as any).error.status).toBe('INTERNAL');
    expect(fake.requests.map((r) => r.fault)).toEqual(['429:7', '400', '503', '500']);
    expect(fake.requests[3].path).toBe('/v1beta/models/x:generateContent');
  });

  it('cuts an SSE stream after n events and paces it with slow', async () => {
    const whole = await readRaw(`${fake.url}${PATH}`);
    const events = whole.text.split('\n\n').filter(Boolean);
    expect(events.length).toBeGreaterThan(3);
    expect(whole.broke).toBe(false);
    const cut = await readRaw(`${fake.faultUrl('cut:2')}${PATH}`);
    expect(cut.broke).toBe(true);
    const strip = (event: string) => event.replace(/"responseId":"\w+"/, '');
    const cutEvents = cut.text.split('\n\n').filter(Boolean);
    expect(cutEvents.map(strip)).toEqual(events.slice(0, 2).map(strip));
    expect(cut.text).not.toContain('finishReason');
    const started = Date.now();
    const slow = await readRaw(`${fake.faultUrl('slow:30')}${PATH}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30 * events.length - 5);
    expect(slow.text).toContain('"finishReason":"STOP"');
  });

  it('refuses connections and reports bad fault specs in the Google shape', async () => {
    fake.failNext(1, 'refuse');
    await expect(post(`${fake.url}/v1beta/models/x:generateContent`)).rejects.toMatchObject({
      name: 'TypeError',
    });
    const bad = await post(`${fake.url}/_fault/bogus/v1beta/models/x:generateContent`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });
});
