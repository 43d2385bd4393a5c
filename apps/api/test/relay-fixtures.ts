import { SettlementWriter } from '@one-api/server-billing';
import type { TestApp } from './harness';

type Agent = Awaited<ReturnType<TestApp['login']>>;

export interface ChannelInput {
  type?: number;
  name: string;
  base_url: string;
  key?: string;
  models: string;
  group?: string;
  priority?: number;
  weight?: number;
  model_mapping?: string;
  system_prompt?: string;
  /** the channel's config JSON, e.g. `{"api_format":"response"}` */
  config?: string;
}

/** Creates a channel through the admin API and returns its id. */
export async function createChannel(root: Agent, input: ChannelInput): Promise<number> {
  const res = await root
    .post('/api/channel/')
    .send({ type: 1, key: 'fake-upstream-key', group: 'default', ...input });
  if (res.status !== 200 || !res.body.success)
    throw new Error(`channel create failed: ${JSON.stringify(res.body)}`);
  return res.body.data[0];
}

/** Creates an API key through the API and returns it with its id (key shown as sk-…). */
export async function createKey(
  agent: Agent,
  input: { name: string; remain_quota?: number; unlimited_quota?: boolean; models?: string; subnet?: string },
): Promise<{ id: number; key: string }> {
  const res = await agent.post('/api/token/').send(input);
  if (res.status !== 200 || !res.body.success)
    throw new Error(`token create failed: ${JSON.stringify(res.body)}`);
  return { id: res.body.data.id, key: res.body.data.key };
}

/** Waits until every settlement the relay queued is in the database. */
export async function settled(t: TestApp): Promise<void> {
  await t.app.get(SettlementWriter).flush();
}

export async function setOption(root: Agent, key: string, value: string): Promise<void> {
  const res = await root.put('/api/option/').send({ key, value });
  if (res.status !== 200 || !res.body.success)
    throw new Error(`option ${key} failed: ${JSON.stringify(res.body)}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
