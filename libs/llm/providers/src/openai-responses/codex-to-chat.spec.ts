/**
 * A Codex CLI turn (`wire_api = "responses"`) served by a Chat Completions channel (DeepSeek, vLLM, …): the Responses
 * request converts to a valid chat body and the chat answer comes back as the Responses items Codex reads.
 */
import { openAiResponsesCodec } from '@one-api/llm-codecs';
import { SseParser, type StreamEvent } from '@one-api/llm-core';
import { openAiAdapter } from '../openai/adapter';
import { fixtureJson } from './fixtures/read-fixture';

const codexTurn = {
  ...fixtureJson<Record<string, unknown>>('custom-request.json'),
  tools: [
    ...fixtureJson<{ tools: unknown[] }>('custom-request.json').tools,
    { type: 'web_search', external_web_access: false },
  ],
  input: [
    {
      type: 'message',
      role: 'developer',
      content: [{ type: 'input_text', text: '<permissions>workspace-write</permissions>' }],
    },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Add a todo file.' }] },
    {
      type: 'reasoning',
      id: 'rs_1',
      summary: [{ type: 'summary_text', text: 'Plan: write the file.' }],
      encrypted_content: 'sig',
    },
    {
      type: 'custom_tool_call',
      call_id: 'call_p',
      name: 'apply_patch',
      input: '*** Begin Patch\n*** End Patch\n',
    },
    { type: 'custom_tool_call_output', call_id: 'call_p', output: 'Done!' },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Now list it.' }] },
  ],
};

describe('Codex turn on a Chat Completions channel', () => {
  it('converts the Responses request to a chat body', () => {
    const request = openAiResponsesCodec.decodeRequest(codexTurn);
    const built = openAiAdapter.buildRequest(request, { type: 36, baseUrl: '', key: 'sk-ds', config: {} });
    expect(built.url).toBe('https://api.deepseek.com/v1/chat/completions');
    const body = JSON.parse(built.body) as Record<string, unknown>;
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are Codex.\n<permissions>workspace-write</permissions>' },
      { role: 'user', content: 'Add a todo file.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_p',
            type: 'function',
            function: {
              name: 'apply_patch',
              arguments: JSON.stringify({ input: '*** Begin Patch\n*** End Patch\n' }),
            },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_p', content: 'Done!' },
      { role: 'user', content: 'Now list it.' },
    ]);
    expect((body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual([
      'shell',
      'apply_patch',
    ]);
    expect(body).toMatchObject({
      tool_choice: 'auto',
      parallel_tool_calls: false,
      stream: true,
      reasoning_effort: 'medium',
    });
    expect(body).not.toHaveProperty('store');
    expect(body).not.toHaveProperty('include');
  });

  it('streams the chat answer back as Responses items Codex reads (custom_tool_call for apply_patch)', () => {
    const request = openAiResponsesCodec.decodeRequest(codexTurn);
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 7, model: 'deepseek-chat', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const upstream =
      chunk({ role: 'assistant', reasoning_content: 'List with ls.' }) +
      chunk({ content: 'Listing.' }) +
      chunk({
        tool_calls: [
          { index: 0, id: 'call_s', type: 'function', function: { name: 'shell', arguments: '{"command":' } },
        ],
      }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: '["ls"]}' } }] }) +
      chunk({
        tool_calls: [
          {
            index: 1,
            id: 'call_q',
            type: 'function',
            function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n"}' },
          },
        ],
      }) +
      chunk({}, 'tool_calls') +
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 7, model: 'deepseek-chat', choices: [], usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940, prompt_tokens_details: { cached_tokens: 512 } } })}\n\n` +
      'data: [DONE]\n\n';
    const decoder = openAiAdapter.createStreamDecoder();
    const events: StreamEvent[] = [...decoder.push(upstream), ...decoder.end()];
    const encoder = openAiResponsesCodec.createStreamEncoder({ request, model: 'deepseek-chat' });
    const sse = events.map((e) => encoder.encode(e)).join('') + encoder.finish();
    const parser = new SseParser();
    const out = [...parser.push(sse), ...parser.end()].map((e) => ({
      event: e.event,
      data: JSON.parse(e.data) as Record<string, unknown>,
    }));
    out.forEach((e, i) => expect(e.data).toMatchObject({ type: e.event, sequence_number: i }));
    const done = out.filter((e) => e.event === 'response.output_item.done').map((e) => e.data.item);
    expect(done).toEqual([
      {
        id: expect.stringMatching(/^rs_/),
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'List with ls.' }],
      },
      expect.objectContaining({
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [expect.objectContaining({ text: 'Listing.' })],
      }),
      expect.objectContaining({
        type: 'function_call',
        call_id: 'call_s',
        name: 'shell',
        arguments: '{"command":["ls"]}',
      }),
      expect.objectContaining({
        type: 'custom_tool_call',
        call_id: 'call_q',
        name: 'apply_patch',
        input: '*** Begin Patch\n',
      }),
    ]);
    const completed = out[out.length - 1];
    expect(completed.event).toBe('response.completed');
    expect(completed.data.response).toMatchObject({
      id: expect.stringMatching(/^resp_[0-9a-f]{48}$/),
      model: 'deepseek-chat',
      status: 'completed',
      usage: {
        input_tokens: 900,
        input_tokens_details: { cached_tokens: 512 },
        output_tokens: 40,
        total_tokens: 940,
      },
    });
  });
});
