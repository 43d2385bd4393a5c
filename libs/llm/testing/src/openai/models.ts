/** Models the fake lists by default (`startFakeOpenAI({ models })` replaces the list). Chat accepts any model. */
export const DEFAULT_FAKE_MODELS: readonly string[] = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'gpt-3.5-turbo',
  'gpt-3.5-turbo-instruct',
  'o3-mini',
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
  'omni-moderation-latest',
  'text-moderation-latest',
];

/** A fixed creation time so listings are byte-stable. */
export const FAKE_MODEL_CREATED = 1_700_000_000;

export function modelObject(id: string): Record<string, unknown> {
  return { id, object: 'model', created: FAKE_MODEL_CREATED, owned_by: 'openai' };
}

export function modelListBody(models: readonly string[]): Record<string, unknown> {
  return { object: 'list', data: models.map(modelObject) };
}
