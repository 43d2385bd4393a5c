import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GATEWAY_MAIN, matrixConfigFromEnv } from './matrix-cli';
import { DEFAULT_LIVE_MODELS } from './matrix/variants';

describe('npm run matrix configuration', () => {
  it('self-hosts without API_BASE and API_TOKEN, narrowed by ONEAPI_TEST_MODELS / ONEAPI_TEST_VARIANTS', () => {
    const config = matrixConfigFromEnv({
      ONEAPI_TEST_MODELS: 'gpt-4o-mini;deepseek-chat',
      ONEAPI_TEST_VARIANTS: 'claude',
    });
    expect(config.mode).toBe('self-host');
    expect(config.models).toEqual(['gpt-4o-mini', 'deepseek-chat']);
    expect(config.variants.map((v) => v.format)).toEqual(Array(8).fill('claude'));
    expect(matrixConfigFromEnv({}).variants).toHaveLength(24);
  });

  it('tests a live deployment with both API_BASE and API_TOKEN, the fork’s models by default', () => {
    expect(matrixConfigFromEnv({ API_BASE: 'https://gw.example', API_TOKEN: 'sk-x' })).toMatchObject({
      mode: 'live',
      apiBase: 'https://gw.example',
      apiToken: 'sk-x',
      models: [...DEFAULT_LIVE_MODELS],
    });
    expect(() => matrixConfigFromEnv({ API_TOKEN: 'sk-x' })).toThrow('set both API_BASE and API_TOKEN');
    expect(() => matrixConfigFromEnv({ API_BASE: 'https://gw.example' })).toThrow(
      'set both API_BASE and API_TOKEN',
    );
    expect(() => matrixConfigFromEnv({ ONEAPI_TEST_VARIANTS: 'chat,bogus' })).toThrow(
      'unknown variant "bogus"',
    );
  });

  it('finds the built gateway at the repository root from src/ and dist/ alike', () => {
    const root = resolve(__dirname, '../../../..');
    expect(GATEWAY_MAIN).toBe(resolve(root, 'apps/api/dist/main.js'));
    expect(existsSync(resolve(root, 'package.json'))).toBe(true);
  });
});
