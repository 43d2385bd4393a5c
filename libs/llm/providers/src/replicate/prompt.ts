import {
  isRecord,
  tryParseJson,
  type CanonicalMessage,
  type CanonicalRequest,
  type ResponseContentPart,
} from '@one-api/llm-core';

/**
 * Replicate's language models take one `prompt` and one `system_prompt` (each model applies its own chat template
 * around them), so a conversation is flattened:
 * - the leading system text (and later system messages) goes to `system_prompt`;
 * - a lone user turn is the prompt as is; a longer conversation becomes a transcript, one turn per paragraph,
 *   `User: …`, `Assistant: …`, `Tool result (name): …`, ending with `Assistant:` so the model answers the last turn;
 * - images and files cannot be sent (the inputs are text) and are dropped with a warning.
 * Tools and structured output have no inputs either: they are described in `system_prompt` (the tool list as JSON in
 * a `<tools>` block, the schema in a `<json_schema>` block) and a reply that is exactly a `{"tool_call": …}` object is
 * read back as a tool call — prompt-based tool calling, as instruct models are commonly driven without native tools.
 */
export interface FlattenedPrompt {
  prompt: string;
  systemPrompt: string;
  warnings: string[];
}

export const TOOL_CALL_INSTRUCTION =
  'To call a tool, reply with only this JSON object and nothing else: ' +
  '{"tool_call": {"name": "<tool name>", "arguments": {<arguments as JSON>}}}';

function turnText(message: CanonicalMessage, warn: (m: string) => void, names: Map<string, string>): string {
  switch (message.role) {
    case 'system':
      return message.content.map((p) => p.text).join('\n');
    case 'user':
      return message.content
        .map((part) => {
          if (part.type === 'text') return part.text;
          warn(`${part.type} parts were dropped: Replicate language models take text only`);
          return '';
        })
        .filter((t) => t !== '')
        .join('\n');
    case 'assistant':
      return message.content
        .map((part) => {
          if (part.type === 'text') return part.text;
          if (part.type === 'tool-call') {
            const args = tryParseJson(part.arguments || '{}');
            return JSON.stringify({ tool_call: { name: part.name, arguments: isRecord(args) ? args : {} } });
          }
          return '';
        })
        .filter((t) => t !== '')
        .join('\n');
    case 'tool':
      return message.content
        .map((result) => {
          const text = result.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
          const name = names.get(result.toolCallId) ?? result.name ?? result.toolCallId;
          return `Tool result (${name}): ${text}`;
        })
        .join('\n\n');
  }
}

function toolBlock(request: CanonicalRequest): string | undefined {
  const choice = request.toolChoice;
  let tools = request.tools ?? [];
  if (tools.length === 0 || choice === 'none') return undefined;
  if (typeof choice === 'object') tools = tools.filter((tool) => tool.name === choice.name);
  const list = tools.map((tool) => ({
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    parameters: tool.parameters ?? { type: 'object', properties: {} },
  }));
  const lines = [
    'You can call these tools:',
    '<tools>',
    JSON.stringify(list),
    '</tools>',
    TOOL_CALL_INSTRUCTION,
  ];
  if (typeof choice === 'object') lines.push(`You must call the tool "${choice.name}".`);
  else if (choice === 'required') lines.push('You must call one of the tools.');
  return lines.join('\n');
}

function schemaBlock(request: CanonicalRequest): string | undefined {
  const format = request.responseFormat;
  if (format?.type === 'json_object') return 'Reply with only a JSON object and nothing else.';
  if (format?.type !== 'json_schema') return undefined;
  return [
    'Reply with only a JSON object that matches this JSON Schema, and nothing else:',
    '<json_schema>',
    JSON.stringify(format.schema ?? { type: 'object' }),
    '</json_schema>',
  ].join('\n');
}

export function flattenToPrompt(request: CanonicalRequest): FlattenedPrompt {
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message);
  };
  const names = new Map<string, string>();
  for (const message of request.messages)
    if (message.role === 'assistant')
      for (const part of message.content) if (part.type === 'tool-call') names.set(part.id, part.name);

  const system: string[] = request.system.map((p) => p.text).filter((t) => t !== '');
  const turns: Array<{ role: string; text: string }> = [];
  for (const message of request.messages) {
    const text = turnText(message, warn, names);
    if (message.role === 'system') {
      if (text !== '') system.push(text);
      continue;
    }
    turns.push({ role: message.role, text });
  }
  for (const block of [toolBlock(request), schemaBlock(request)]) if (block) system.push(block);

  const lone = turns.length === 1 && turns[0].role === 'user';
  const label = (role: string) => (role === 'user' ? 'User: ' : role === 'assistant' ? 'Assistant: ' : '');
  const prompt = lone
    ? turns[0].text
    : [...turns.map((turn) => `${label(turn.role)}${turn.text}`), 'Assistant:'].join('\n\n');
  return { prompt, systemPrompt: system.join('\n\n'), warnings };
}

/** The JSON object a reply consists of (whole text, or one fenced block), else undefined. */
function wholeJson(text: string): unknown {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed);
  return tryParseJson(fenced ? fenced[1] : trimmed);
}

/**
 * A reply that is exactly `{"tool_call": {"name", "arguments"}}` (or `{"tool_calls": [...]}`) → tool-call parts, with
 * ids made here; any other text → undefined (it is the answer).
 */
export function toolCallsInText(text: string, makeId: () => string): ResponseContentPart[] | undefined {
  if (!/^\s*(?:```(?:json)?\s*)?\{/.test(text)) return undefined;
  const value = wholeJson(text);
  if (!isRecord(value)) return undefined;
  const raw = isRecord(value.tool_call)
    ? [value.tool_call]
    : Array.isArray(value.tool_calls)
      ? value.tool_calls
      : undefined;
  if (!raw) return undefined;
  const calls = raw.filter(isRecord).filter((call) => typeof call.name === 'string' && call.name !== '');
  if (calls.length === 0) return undefined;
  return calls.map((call) => ({
    type: 'tool-call',
    id: makeId(),
    name: call.name as string,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
}
