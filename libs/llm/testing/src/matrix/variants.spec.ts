import { HISTORY_CALL_IDS, MATRIX_DEFAULTS } from './payloads';
import { CORE_VARIANT_KEYS, MATRIX_VARIANTS, parseList, selectVariants } from './variants';

describe('matrix variants', () => {
  it('has the fork’s 24 rows in table order, with the seed’s headers', () => {
    expect(MATRIX_VARIANTS.map((v) => v.header)).toEqual([
      'Chat (stream=false)',
      'Chat (stream=true)',
      'Chat Tools (stream=false)',
      'Chat Tools (stream=true)',
      'Chat Tools History (stream=false)',
      'Chat Tools History (stream=true)',
      'Chat Structured (stream=false)',
      'Chat Structured (stream=true)',
      'Response (stream=false)',
      'Response (stream=true)',
      'Response Tools (stream=false)',
      'Response Tools (stream=true)',
      'Response Tools History (stream=false)',
      'Response Tools History (stream=true)',
      'Response Structured (stream=false)',
      'Response Structured (stream=true)',
      'Claude (stream=false)',
      'Claude (stream=true)',
      'Claude Tools (stream=false)',
      'Claude Tools (stream=true)',
      'Claude Tools History (stream=false)',
      'Claude Tools History (stream=true)',
      'Claude Structured (stream=false)',
      'Claude Structured (stream=true)',
    ]);
    expect(new Set(MATRIX_VARIANTS.map((v) => v.key)).size).toBe(24);
    expect(CORE_VARIANT_KEYS).toEqual([
      'chat_stream_false',
      'chat_stream_true',
      'chat_tools_stream_false',
      'chat_tools_stream_true',
      'response_stream_false',
      'response_stream_true',
      'response_tools_stream_false',
      'response_tools_stream_true',
      'claude_stream_false',
      'claude_stream_true',
      'claude_tools_stream_false',
      'claude_tools_stream_true',
    ]);
    const paths = new Set(MATRIX_VARIANTS.map((v) => `${v.format} ${v.path}`));
    expect([...paths]).toEqual([
      'chat /v1/chat/completions',
      'response /v1/responses',
      'claude /v1/messages',
    ]);
  });

  it('builds bodies with the model, the stream flag and the harness’s sampling settings', () => {
    for (const v of MATRIX_VARIANTS) {
      const bodies = v.bodies('m-1');
      expect(bodies.length).toBe(v.expectation === 'tools' ? 3 : 1);
      for (const body of bodies) {
        expect(body).toMatchObject({ model: 'm-1', stream: v.stream });
        // Claude bodies carry top_k and no top_p (recent Claude models refuse temperature with top_p)
        if (v.format === 'claude') {
          expect(body.top_k).toBe(40);
          expect(body.top_p).toBeUndefined();
        } else {
          expect(body.top_p).toBe(MATRIX_DEFAULTS.topP);
          expect(body.top_k).toBeUndefined();
        }
      }
      // the first tools attempt is at temperature 0; the fallbacks force, then offer, a ping tool
      if (v.expectation === 'tools') {
        expect(bodies[0].temperature).toBe(0);
        expect(bodies[1].max_tokens ?? bodies[1].max_output_tokens).toBe(128);
        expect(JSON.stringify(bodies[1].tool_choice)).toContain('ping');
        expect(JSON.stringify(bodies[2].tool_choice)).toContain('auto');
      } else expect(bodies[0].temperature).toBe(0.7);
    }
  });

  it('replays the earlier get_weather call in the tool-history bodies, in each format’s shape', () => {
    const body = (key: string) => JSON.stringify(MATRIX_VARIANTS.find((v) => v.key === key)!.bodies('m')[0]);
    expect(body('chat_tools_history_stream_false')).toContain(`"tool_call_id":"${HISTORY_CALL_IDS.chat}"`);
    expect(body('response_tools_history_stream_true')).toContain(`"id":"${HISTORY_CALL_IDS.responseItem}"`);
    expect(body('response_tools_history_stream_true')).toContain('"type":"function_call_output"');
    expect(body('claude_tools_history_stream_false')).toContain(`"tool_use_id":"${HISTORY_CALL_IDS.claude}"`);
    for (const key of ['chat_tools_history_stream_false', 'claude_tools_history_stream_true'])
      expect(body(key)).toContain('temperature_c');
  });

  it('asks for structured output the way each format can', () => {
    const body = (key: string) => MATRIX_VARIANTS.find((v) => v.key === key)!.bodies('m')[0];
    expect(body('chat_structured_stream_false')).toMatchObject({
      max_tokens: 512,
      response_format: { type: 'json_schema', json_schema: { name: 'topic_classification', strict: true } },
    });
    expect(body('response_structured_stream_true')).toMatchObject({
      text: { format: { type: 'json_schema', name: 'topic_classification' } },
    });
    expect(body('claude_structured_stream_false')).toMatchObject({
      tool_choice: { type: 'tool', name: 'topic_classifier' },
    });
  });

  it('splits lists on commas, semicolons and whitespace', () => {
    expect(parseList(' a, b;c\nd\te ,,a ')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(parseList(undefined)).toEqual([]);
  });

  it('selects variants by key, alias, header or group, in table order', () => {
    const keys = (s: string[]) => selectVariants(s).map((v) => v.key);
    expect(selectVariants([])).toHaveLength(24);
    expect(keys(['claude_tools', 'chat_stream_true'])).toEqual([
      'chat_stream_true',
      'claude_tools_stream_false',
    ]);
    expect(keys(['chat_tools_stream'])).toEqual(['chat_tools_stream_true']);
    expect(keys(['Claude (stream=true)'])).toEqual(['claude_stream_true']);
    expect(keys(['responses'])).toHaveLength(8);
    expect(keys(['RESPONSE'])).toEqual(keys(['responses']));
    expect(() => selectVariants(['nope'])).toThrow('unknown variant "nope"');
  });
});
