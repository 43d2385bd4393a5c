import {
  configProblem,
  configToText,
  groupProblem,
  isKnownChannelType,
  modelMappingProblem,
  modelsProblem,
  splitKeys,
} from './channel-rules';

describe('channel rules', () => {
  it('knows the channel types', () => {
    expect(isKnownChannelType(1)).toBe(true);
    expect(isKnownChannelType(14)).toBe(true);
    expect(isKnownChannelType(57)).toBe(true);
    expect(isKnownChannelType(0)).toBe(false);
    expect(isKnownChannelType(58)).toBe(false);
    expect(isKnownChannelType(-1)).toBe(false);
    expect(isKnownChannelType(1.5)).toBe(false);
    expect(isKnownChannelType('1')).toBe(false);
  });

  it('accepts only "" or a JSON object of string → string as model_mapping', () => {
    expect(modelMappingProblem('')).toBeNull();
    expect(modelMappingProblem('   ')).toBeNull();
    expect(modelMappingProblem(null)).toBeNull();
    expect(modelMappingProblem('{}')).toBeNull();
    expect(modelMappingProblem('{"gpt-4o":"gpt-4o-2024-08-06"}')).toBeNull();
    expect(modelMappingProblem('{"a":1}')).toMatch(/"a" must be a string/);
    expect(modelMappingProblem('["a"]')).toMatch(/JSON object/);
    expect(modelMappingProblem('null')).toMatch(/JSON object/);
    expect(modelMappingProblem('"x"')).toMatch(/JSON object/);
    expect(modelMappingProblem('{bad')).toMatch(/valid JSON/);
    expect(modelMappingProblem({ a: 'b' })).toMatch(/string/);
    expect(modelMappingProblem(`{"a":"${'x'.repeat(1100)}"}`)).toMatch(/1024/);
  });

  it('accepts config as an object or a JSON string and stores a string', () => {
    expect(configProblem({ region: 'us-east-1' })).toBeNull();
    expect(configProblem('{"region":"us-east-1"}')).toBeNull();
    expect(configProblem('')).toBeNull();
    expect(configProblem(undefined)).toBeNull();
    expect(configProblem('[1]')).toMatch(/object/);
    expect(configProblem([1])).toMatch(/object/);
    expect(configProblem('nope')).toMatch(/JSON/);
    expect(configProblem(5)).toMatch(/object/);
    expect(configToText({ region: 'us-east-1' })).toBe('{"region":"us-east-1"}');
    expect(configToText(' {"a":1} ')).toBe('{"a":1}');
    expect(configToText(undefined)).toBe('');
  });

  it('limits model names and group lists to what every engine stores', () => {
    expect(modelsProblem('a,b')).toBeNull();
    expect(modelsProblem(`a,${'m'.repeat(192)}`)).toMatch(/191/);
    expect(groupProblem('default,vip')).toBeNull();
    expect(groupProblem('g'.repeat(33))).toMatch(/32/);
    expect(groupProblem(`${'g'.repeat(30)} , ${'g'.repeat(30)}`)).toBeNull();
  });

  it('splits multi-line keys', () => {
    expect(splitKeys('k1\n\n  k2  \r\nk3\n')).toEqual(['k1', 'k2', 'k3']);
    expect(splitKeys('')).toEqual([]);
    expect(splitKeys(undefined)).toEqual([]);
  });
});
