import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  ANTHROPIC_REPLY_PREFIX,
  FAKE_BEDROCK_ACCESS_KEY_ID,
  FAKE_BEDROCK_SECRET_ACCESS_KEY,
  fakeThinkingSignature,
  type FakeProvider,
  predictConverseUsage,
  predictMessagesUsage,
  startFakeBedrock,
} from '@one-api/llm-testing';
import { startTestApp, TestApp } from './harness';
import { createChannel, createKey, settled, setOption } from './relay-fixtures';

type Agent = Awaited<ReturnType<TestApp['login']>>;

const GOOD_KEY = `${FAKE_BEDROCK_ACCESS_KEY_ID}|${FAKE_BEDROCK_SECRET_ACCESS_KEY}|us-east-1`;
const WRONG_SECRET_KEY = `${FAKE_BEDROCK_ACCESS_KEY_ID}|not-the-secret-key|us-east-1`;
const INITIAL_QUOTA = 5_000_000;

interface LogRow {
  quota: number;
  channel_id: number;
  prompt_tokens: number;
  completion_tokens: number;
  model_name: string;
  is_stream: number | boolean;
  content: string;
}

/**
 * AWS Bedrock channels (type 33) through the gateway, against the fake Bedrock that verifies every SigV4 signature
 * from the published algorithm: credentials as the key AK|SK|REGION and in config, Converse and Claude InvokeModel
 * (streamed, with thinking), an inference profile ARN, a wrong secret (clear error, failover), exact settlement.
 */
describe('AWS Bedrock channel (type 33): SigV4-signed Converse and Claude InvokeModel through the gateway', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let root: Agent;

  beforeAll(async () => {
    fake = await startFakeBedrock();
    t = await startTestApp();
    root = await t.login('root', '123456');
    await setOption(root, 'RetryTimes', '1');
    await createChannel(root, {
      type: 33,
      name: 'bedrock key form',
      key: GOOD_KEY,
      base_url: fake.url,
      models: 'amazon.nova-lite-v1:0,us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    });
    await createChannel(root, {
      type: 33,
      name: 'bedrock arn map',
      key: 'in-config',
      base_url: fake.url,
      models: 'claude-prod',
      config: JSON.stringify({
        ak: FAKE_BEDROCK_ACCESS_KEY_ID,
        sk: FAKE_BEDROCK_SECRET_ACCESS_KEY,
        region: 'us-east-1',
        inference_profile_arn_map: {
          'claude-prod':
            'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
        },
      }),
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  async function logsOf(tokenId: number): Promise<LogRow[]> {
    await settled(t);
    return t.dataSource.query(
      `SELECT quota, channel_id, prompt_tokens, completion_tokens, model_name, is_stream, content FROM logs WHERE type = 2 AND token_id = ${tokenId} ORDER BY id`,
    ) as Promise<LogRow[]>;
  }

  /** One consume log; the key was charged exactly what it says, no more and no less. */
  async function settledOnce(tokenId: number): Promise<LogRow> {
    const logs = await logsOf(tokenId);
    expect(logs).toHaveLength(1);
    const token = (await root.get(`/api/token/${tokenId}`)).body.data;
    expect(token.used_quota).toBe(Number(logs[0].quota));
    expect(token.remain_quota + token.used_quota).toBe(INITIAL_QUOTA);
    return logs[0];
  }

  it('the key AK|SK|REGION: an OpenAI chat call goes out as a signed Converse call, billed with its usage', async () => {
    const key = await createKey(root, { name: 'bedrock chat', remain_quota: INITIAL_QUOTA });
    const client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'amazon.nova-lite-v1:0',
      messages: [{ role: 'user', content: 'hello bedrock' }],
      max_tokens: 300,
    });
    expect(completion.choices[0].message.content).toBe(`${ANTHROPIC_REPLY_PREFIX}hello bedrock`);
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0];
    expect(sent.path).toBe('/model/amazon.nova-lite-v1%3A0/converse');
    expect(sent.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${FAKE_BEDROCK_ACCESS_KEY_ID}/\\d{8}/us-east-1/bedrock/aws4_request`,
      ),
    );
    const usage = predictConverseUsage(sent.body);
    expect(completion.usage).toMatchObject({
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
    });
    const log = await settledOnce(key.id);
    expect({
      model: log.model_name,
      prompt: Number(log.prompt_tokens),
      completion: Number(log.completion_tokens),
    }).toEqual({
      model: 'amazon.nova-lite-v1:0',
      prompt: usage.inputTokens,
      completion: usage.outputTokens,
    });
    expect(Number(log.quota)).toBeGreaterThan(0);
  });

  it('Claude through the Anthropic SDK: a streamed thinking turn via invoke-with-response-stream', async () => {
    const key = await createKey(root, { name: 'bedrock claude', remain_quota: INITIAL_QUOTA });
    const client = new Anthropic({ apiKey: key.key, baseURL: t.url, maxRetries: 0 });
    const stream = client.messages.stream({
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'think about bedrock' }],
    });
    const message = await stream.finalMessage();
    const [thinking, text] = message.content;
    expect(thinking).toMatchObject({ type: 'thinking', thinking: 'Thinking about: think about bedrock' });
    expect((thinking as Anthropic.ThinkingBlock).signature).toBe(
      fakeThinkingSignature('Thinking about: think about bedrock'),
    );
    expect(text).toMatchObject({ type: 'text', text: `${ANTHROPIC_REPLY_PREFIX}think about bedrock` });
    const sent = fake.requests[0];
    expect(sent.path).toBe(
      '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream',
    );
    expect(sent.body).toMatchObject({
      anthropic_version: 'bedrock-2023-05-31',
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    const usage = predictMessagesUsage(sent.body as never);
    expect(message.usage.output_tokens).toBe(usage.output_tokens);
    const log = await settledOnce(key.id);
    expect(Boolean(log.is_stream)).toBe(true);
    expect(Number(log.completion_tokens)).toBe(usage.output_tokens);
    expect(Number(log.prompt_tokens)).toBe(
      usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens,
    );
  });

  it('config ak/sk/region with inference_profile_arn_map: the ARN is the (escaped) model id', async () => {
    const key = await createKey(root, { name: 'bedrock arn', remain_quota: INITIAL_QUOTA });
    const client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'claude-prod',
      messages: [{ role: 'user', content: 'through a profile' }],
    });
    expect(completion.choices[0].message.content).toContain('through a profile');
    const arn =
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0';
    expect(fake.requests[0].path).toBe(`/model/${encodeURIComponent(arn)}/invoke`);
    await settledOnce(key.id);
  });

  it('a wrong secret is refused by the signature check; the request fails over to the next channel, one log there', async () => {
    const wrong = await createChannel(root, {
      type: 33,
      name: 'bedrock wrong secret',
      key: WRONG_SECRET_KEY,
      base_url: fake.url,
      models: 'amazon.nova-micro-v1:0',
      priority: 10,
    });
    const good = await createChannel(root, {
      type: 33,
      name: 'bedrock good',
      key: GOOD_KEY,
      base_url: fake.url,
      models: 'amazon.nova-micro-v1:0',
      priority: 0,
    });
    const key = await createKey(root, { name: 'bedrock failover', remain_quota: INITIAL_QUOTA });
    const client = new OpenAI({ apiKey: key.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'amazon.nova-micro-v1:0',
      messages: [{ role: 'user', content: 'fail over' }],
    });
    expect(completion.choices[0].message.content).toContain('fail over');
    expect(fake.requests).toHaveLength(2); // the refused attempt, then the good one
    const log = await settledOnce(key.id);
    expect(Number(log.channel_id)).toBe(good);
    expect(Number(log.prompt_tokens)).toBe(predictConverseUsage(fake.requests[1].body).inputTokens);
    await root.delete(`/api/channel/${wrong}`).expect(200);
    await root.delete(`/api/channel/${good}`).expect(200);
  });

  it('a wrong secret with no other channel: a clear error, nothing charged, one log', async () => {
    const wrong = await createChannel(root, {
      type: 33,
      name: 'bedrock only wrong',
      key: WRONG_SECRET_KEY,
      base_url: fake.url,
      models: 'amazon.nova-pro-v1:0',
    });
    const key = await createKey(root, { name: 'bedrock refused', remain_quota: INITIAL_QUOTA });
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ model: 'amazon.nova-pro-v1:0', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/rejected the channel credentials/);
    expect(JSON.stringify(res.body)).not.toContain('not-the-secret-key');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    const log = await settledOnce(key.id);
    expect(Number(log.quota)).toBe(0);
    await root.delete(`/api/channel/${wrong}`).expect(200);
  });

  it('the admin channel test signs its call too: success with the right secret, the signature error with a wrong one', async () => {
    const good = await createChannel(root, {
      type: 33,
      name: 'bedrock tested',
      key: GOOD_KEY,
      base_url: fake.url,
      models: 'amazon.nova-lite-v1:0',
    });
    const ok = await root.get(`/api/channel/test/${good}`);
    expect(ok.body).toMatchObject({ success: true, modelName: 'amazon.nova-lite-v1:0' });
    expect(ok.body.message).toMatch(/^Hello! This is fake-anthropic answering: /);
    expect(fake.requests.at(-1)!.path).toBe('/model/amazon.nova-lite-v1%3A0/converse');
    const wrong = await createChannel(root, {
      type: 33,
      name: 'bedrock tested wrong',
      key: WRONG_SECRET_KEY,
      base_url: fake.url,
      models: 'amazon.nova-lite-v1:0',
    });
    const refused = await root.get(`/api/channel/test/${wrong}`);
    expect(refused.body).toMatchObject({
      success: false,
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
    await root.delete(`/api/channel/${good}`).expect(200);
    await root.delete(`/api/channel/${wrong}`).expect(200);
  });

  it('a channel without usable credentials is never called and says what is missing', async () => {
    const broken = await createChannel(root, {
      type: 33,
      name: 'bedrock no credentials',
      key: 'just-a-key',
      base_url: fake.url,
      models: 'amazon.nova-premier-v1:0',
    });
    const key = await createKey(root, { name: 'bedrock broken', remain_quota: INITIAL_QUOTA });
    const res = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.key}`)
      .send({ model: 'amazon.nova-premier-v1:0', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(500);
    expect(res.body.error.message).toMatch(
      /^the AWS Bedrock channel has no complete credentials: set config ak, sk and region, or the key AK\|SK\|REGION \(request id: \w+\)$/,
    );
    expect(fake.requests).toHaveLength(0);
    const log = await settledOnce(key.id);
    expect(Number(log.quota)).toBe(0);
    await root.delete(`/api/channel/${broken}`).expect(200);
  });
});
