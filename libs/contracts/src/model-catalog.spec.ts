import { CHANNEL_TYPES } from './channel-types';
import { BUILT_IN_MODELS, catalogueModels, MODEL_OWNER_BY_CHANNEL_TYPE, ownerOfModel } from './model-catalog';

describe('model catalogue', () => {
  it('covers the required channel types with known ids only', () => {
    for (const type of [1, 3, 14, 24, 25, 28, 29, 36, 45, 20, 44, 39, 40, 16, 17, 35, 33, 42, 30]) {
      expect(BUILT_IN_MODELS[type]?.length).toBeGreaterThan(0);
    }
    for (const type of Object.keys(BUILT_IN_MODELS).map(Number)) {
      expect(CHANNEL_TYPES.some((t) => t.id === type && type !== 0)).toBe(true);
      expect(MODEL_OWNER_BY_CHANNEL_TYPE[type]).toBeTruthy();
      const models = BUILT_IN_MODELS[type];
      expect(new Set(models).size).toBe(models.length);
      for (const m of models) expect(m).toBe(m.trim());
      for (const m of models) expect(m).not.toContain(',');
    }
  });

  it('lists every model once, owned by the first type that offers it', () => {
    const all = catalogueModels();
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
    expect(all.find((m) => m.id === 'gpt-4o')).toEqual({ id: 'gpt-4o', ownedBy: 'openai', channelType: 1 });
    expect(ownerOfModel('gpt-4o')).toBe('openai');
    expect(ownerOfModel('claude-sonnet-4-5-20250929')).toBe('anthropic');
    expect(ownerOfModel('gemini-2.5-pro')).toBe('google');
    expect(ownerOfModel('deepseek-chat')).toBe('deepseek');
    expect(ownerOfModel('grok-4')).toBe('xai');
    expect(ownerOfModel('my-private-model')).toBe('custom');
  });
});
