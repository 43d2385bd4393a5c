import { bedrockCredentials } from './credentials';
import { bedrockModelId, bedrockUrl, isBedrockClaude } from './model-id';

describe('bedrockCredentials', () => {
  it('reads config ak / sk / region (what the channel form writes)', () => {
    expect(
      bedrockCredentials({ key: '', config: { ak: 'AKIA1', sk: 'secret/1', region: 'eu-central-1' } }),
    ).toEqual({
      accessKeyId: 'AKIA1',
      secretAccessKey: 'secret/1',
      region: 'eu-central-1',
    });
  });

  it('reads the key AK|SK|REGION, and config fields win over its parts', () => {
    expect(bedrockCredentials({ key: ' AKIA2 | sk2 | us-west-2 ', config: {} })).toEqual({
      accessKeyId: 'AKIA2',
      secretAccessKey: 'sk2',
      region: 'us-west-2',
    });
    expect(
      bedrockCredentials({ key: 'AKIA2|sk2|us-west-2', config: { region: 'ap-southeast-2' } }).region,
    ).toBe('ap-southeast-2');
  });

  it('missing parts or a region that is not one are a clear, retryable channel error', () => {
    for (const channel of [
      { key: '', config: {} },
      { key: 'AKIA|secret', config: {} },
      { key: 'sk-not-aws', config: {} },
      { key: '', config: { ak: 'AKIA', region: 'us-east-1' } },
    ]) {
      expect(() => bedrockCredentials(channel)).toThrow(
        'the AWS Bedrock channel has no complete credentials: set config ak, sk and region, or the key AK|SK|REGION',
      );
    }
    try {
      bedrockCredentials({ key: 'AKIA|secret|evil.com/x', config: {} });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({
        kind: 'upstream',
        retryable: true,
        message: expect.stringMatching(/not an AWS region/),
      });
    }
  });
});

describe('Bedrock model ids and URLs', () => {
  it('cross-region inference profile ids are model ids as given', () => {
    for (const id of [
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'eu.amazon.nova-lite-v1:0',
      'apac.anthropic.claude-3-5-sonnet-20240620-v1:0',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]) {
      expect(bedrockModelId(id, {})).toBe(id);
    }
  });

  it("Anthropic's model names become Bedrock foundation model ids", () => {
    expect(bedrockModelId('claude-3-5-sonnet-20241022', {})).toBe(
      'anthropic.claude-3-5-sonnet-20241022-v2:0',
    );
    expect(bedrockModelId('claude-haiku-4-5-20251001', {})).toBe('anthropic.claude-haiku-4-5-20251001-v1:0');
  });

  it('inference_profile_arn_map (object or JSON text) maps a model name to an ARN', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3';
    expect(bedrockModelId('claude-prod', { inference_profile_arn_map: { 'claude-prod': arn } })).toBe(arn);
    expect(
      bedrockModelId('claude-prod', { inference_profile_arn_map: JSON.stringify({ 'claude-prod': arn }) }),
    ).toBe(arn);
    expect(bedrockModelId('other', { inference_profile_arn_map: { 'claude-prod': arn } })).toBe('other');
    expect(bedrockModelId('x', { inference_profile_arn_map: 'not json' })).toBe('x');
  });

  it('Claude is told by the model id, or by the model name when an ARN hides it', () => {
    expect(
      isBedrockClaude(
        'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      ),
    ).toBe(true);
    expect(
      isBedrockClaude('claude-prod', 'arn:aws:bedrock:us-east-1:1:application-inference-profile/a1'),
    ).toBe(true);
    expect(isBedrockClaude('amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0')).toBe(false);
    expect(isBedrockClaude('meta.llama3-70b-instruct-v1:0', 'meta.llama3-70b-instruct-v1:0')).toBe(false);
  });

  it('the default host is per region; the model id is one escaped path segment; a base URL replaces the host', () => {
    const arn =
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0';
    expect(bedrockUrl({ baseUrl: '' }, 'us-east-1', arn, 'invoke')).toBe(
      'https://bedrock-runtime.us-east-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke',
    );
    expect(
      bedrockUrl(
        { baseUrl: 'http://127.0.0.1:4010/_fault/429/' },
        'us-east-1',
        'amazon.nova-lite-v1:0',
        'converse-stream',
      ),
    ).toBe('http://127.0.0.1:4010/_fault/429/model/amazon.nova-lite-v1%3A0/converse-stream');
  });
});
