import { messagesReply } from '../anthropic/reply';
import { geminiReply } from '../gemini/reply';
import { chatReply } from '../openai/chat-reply';
import { explicitArguments } from './explicit-arguments';

const readSchema = {
  type: 'object',
  properties: { file_path: { type: 'string' }, limit: { type: 'number' } },
  required: ['file_path'],
};

describe('explicitArguments', () => {
  it('reads the JSON object after "call <name> with"', () => {
    expect(explicitArguments('Please call Read with {"file_path": "/tmp/a b/{x}.txt"} now', 'Read')).toEqual({
      file_path: '/tmp/a b/{x}.txt',
    });
    expect(explicitArguments('call exec_command with {"cmd":"echo \\"hi\\" }"}', 'exec_command')).toEqual({
      cmd: 'echo "hi" }',
    });
    expect(explicitArguments('call a.b with {"n": {"m": [1, {"k": 2}]}}', 'a.b')).toEqual({
      n: { m: [1, { k: 2 }] },
    });
  });

  it('ignores other tools, plain "call <name>", unclosed or invalid JSON and non-objects', () => {
    expect(explicitArguments('call Read with {"file_path": "x"}', 'Write')).toBeUndefined();
    expect(explicitArguments('call ReadFile with {"file_path": "x"}', 'Read')).toBeUndefined();
    expect(explicitArguments('call Read please', 'Read')).toBeUndefined();
    expect(explicitArguments('call Read with {"file_path": "x"', 'Read')).toBeUndefined();
    expect(explicitArguments('call Read with {file_path: x}', 'Read')).toBeUndefined();
    expect(explicitArguments('call Read with [1]', 'Read')).toBeUndefined();
  });
});

describe('the fakes take arguments from the prompt', () => {
  const prompt = 'call Read with {"file_path": "/work/notes.txt"}';

  it('OpenAI chat (and the Responses API, which answers through it)', () => {
    const reply = chatReply({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: prompt }],
      tools: [{ type: 'function', function: { name: 'Read', parameters: readSchema } }],
    });
    expect(reply.kind === 'tool_calls' && JSON.parse(reply.toolCalls[0].arguments)).toEqual({
      file_path: '/work/notes.txt',
    });
    const sampled = chatReply({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'call Read' }],
      tools: [{ type: 'function', function: { name: 'Read', parameters: readSchema } }],
    });
    expect(sampled.kind === 'tool_calls' && JSON.parse(sampled.toolCalls[0].arguments).file_path).toBe(
      'sample file_path',
    );
  });

  it('Anthropic', () => {
    const reply = messagesReply({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: prompt }],
      tools: [{ name: 'Read', input_schema: readSchema }],
    });
    expect(reply.content.find((b) => b.type === 'tool_use')).toMatchObject({
      name: 'Read',
      input: { file_path: '/work/notes.txt' },
    });
  });

  it('Gemini', () => {
    const reply = geminiReply({
      contents: [{ role: 'user', parts: [{ text: prompt }] }],
      tools: [{ functionDeclarations: [{ name: 'Read', parametersJsonSchema: readSchema }] }],
    });
    expect(reply.calls).toEqual([{ name: 'Read', args: { file_path: '/work/notes.txt' } }]);
  });
});
