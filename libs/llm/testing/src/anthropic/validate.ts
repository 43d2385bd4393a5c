import { type AnthropicErrorResponse, invalidRequest } from './errors';
import { fakeThinkingSignature } from './reply';
import type { AnthropicBlock, MessagesRequest } from './types';

const THINKING_DOCS =
  'https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function blocks(content: unknown): AnthropicBlock[] {
  return Array.isArray(content) ? (content as AnthropicBlock[]) : [];
}

function validateMessages(messages: unknown): AnthropicErrorResponse | undefined {
  if (messages === undefined || messages === null) return invalidRequest('messages: Field required');
  if (!Array.isArray(messages)) return invalidRequest('messages: Input should be a valid list');
  if (messages.length === 0) return invalidRequest('messages: at least one message is required');
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message)) return invalidRequest(`messages.${i}: Input should be a valid dictionary`);
    if (message.role !== 'user' && message.role !== 'assistant') {
      return invalidRequest(
        message.role === 'system'
          ? `messages.${i}.role: Unexpected role "system". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`
          : `messages.${i}.role: Input should be 'user' or 'assistant'`,
      );
    }
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      return invalidRequest(`messages.${i}.content: Field required`);
    }
    const content = blocks(message.content);
    for (let j = 0; j < content.length; j++) {
      const block = content[j];
      if (!isObject(block) || typeof block.type !== 'string') {
        return invalidRequest(`messages.${i}.content.${j}.type: Field required`);
      }
      if (block.type === 'thinking' && message.role === 'assistant') {
        if (typeof block.signature !== 'string' || block.signature === '') {
          return invalidRequest(`messages.${i}.content.${j}.thinking.signature: Field required`);
        }
        if (
          block.signature !== fakeThinkingSignature(typeof block.thinking === 'string' ? block.thinking : '')
        ) {
          return invalidRequest(`messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`);
        }
      }
      if (block.type === 'text' && typeof block.text !== 'string') {
        return invalidRequest(`messages.${i}.content.${j}.text.text: Field required`);
      }
    }
    // tool_result blocks answer the tool_use blocks of the previous (assistant) message, and all of them
    const previous = i > 0 ? messages[i - 1] : undefined;
    const asked = new Set(
      previous?.role === 'assistant'
        ? blocks(previous.content)
            .filter((b) => b?.type === 'tool_use')
            .map((b) => b.id)
        : [],
    );
    const answered = new Set<string | undefined>();
    for (let j = 0; j < content.length; j++) {
      if (content[j].type !== 'tool_result') continue;
      const id = content[j].tool_use_id;
      if (!asked.has(id)) {
        return invalidRequest(
          `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(id)}. ` +
            'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
        );
      }
      answered.add(id);
    }
    if (message.role === 'user' && asked.size > 0) {
      const missing = [...asked].filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return invalidRequest(
          `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
            `${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
  }
  return undefined;
}

function validateTools(req: MessagesRequest): AnthropicErrorResponse | undefined {
  if (req.tools === undefined) return undefined;
  if (!Array.isArray(req.tools)) return invalidRequest('tools: Input should be a valid list');
  for (let i = 0; i < req.tools.length; i++) {
    const tool = req.tools[i];
    if (!isObject(tool)) return invalidRequest(`tools.${i}: Input should be a valid dictionary`);
    if (typeof tool.name !== 'string' || tool.name === '')
      return invalidRequest(`tools.${i}.custom.name: Field required`);
    const custom = tool.type === undefined || tool.type === null || tool.type === 'custom';
    if (custom && !isObject(tool.input_schema))
      return invalidRequest(`tools.${i}.custom.input_schema: Field required`);
  }
  return undefined;
}

/**
 * Claude Sonnet 4.5, Haiku 4.5, Opus 4.1 and every later model refuse `temperature` and `top_p` together (Claude 3.x,
 * Sonnet 4 and Opus 4 take both). Ids as Anthropic, Vertex (`@date`) and Bedrock (`anthropic.` prefix) write them.
 */
function refusesTemperatureWithTopP(model: string): boolean {
  const match = /claude-(opus|sonnet|haiku)-(\d+)(?:-(\d{1,2})(?!\d))?/i.exec(model);
  if (!match) return false;
  const [major, minor] = [Number(match[2]), Number(match[3] ?? 0)];
  if (major !== 4) return major > 4;
  return minor >= 5 || (match[1].toLowerCase() === 'opus' && minor >= 1);
}

/**
 * The checks the fake applies to a Messages body, with Anthropic-style messages: model, max_tokens, messages
 * (roles, content, every tool_result answering a tool_use of the previous message and every tool_use answered,
 * thinking blocks carrying the signature the fake gave them), tools, and the thinking rules (budget ≥ 1024 and below
 * max_tokens, temperature only 1, no top_k, no forced tool use), and temperature with top_p refused on Claude Sonnet
 * 4.5 / Haiku 4.5 / Opus 4.1 and later. `countTokens` skips max_tokens, thinking limits and the sampling pair.
 */
export function validateMessagesRequest(
  body: unknown,
  opts: { countTokens?: boolean } = {},
): AnthropicErrorResponse | undefined {
  if (!isObject(body)) return invalidRequest('The request body must be a JSON object');
  const req = body as MessagesRequest;
  if (typeof req.model !== 'string' || req.model === '') return invalidRequest('model: Field required');
  if (!opts.countTokens) {
    if (req.max_tokens === undefined || req.max_tokens === null)
      return invalidRequest('max_tokens: Field required');
    if (typeof req.max_tokens !== 'number' || !Number.isInteger(req.max_tokens)) {
      return invalidRequest('max_tokens: Input should be a valid integer');
    }
    if (req.max_tokens < 1) return invalidRequest('max_tokens: Input should be greater than or equal to 1');
  }
  const messagesError = validateMessages(req.messages);
  if (messagesError) return messagesError;
  const toolsError = validateTools(req);
  if (toolsError) return toolsError;
  if (typeof req.temperature === 'number' && (req.temperature < 0 || req.temperature > 1)) {
    return invalidRequest('temperature: Input should be less than or equal to 1');
  }
  if (
    !opts.countTokens &&
    req.temperature !== undefined &&
    req.top_p !== undefined &&
    refusesTemperatureWithTopP(req.model)
  ) {
    return invalidRequest(
      '`temperature` and `top_p` cannot both be specified for this model. Please use only one.',
    );
  }
  const thinking = req.thinking;
  if (thinking !== undefined && thinking !== null) {
    if (!isObject(thinking) || !['enabled', 'disabled', 'adaptive'].includes(String(thinking.type))) {
      return invalidRequest("thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'");
    }
    if (thinking.type === 'enabled') {
      const budget = thinking.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget)) {
        return invalidRequest('thinking.enabled.budget_tokens: Field required');
      }
      if (budget < 1024)
        return invalidRequest(
          'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
        );
      if (!opts.countTokens && typeof req.max_tokens === 'number' && req.max_tokens <= budget) {
        return invalidRequest(
          `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${THINKING_DOCS}`,
        );
      }
    }
    if (thinking.type !== 'disabled' && !opts.countTokens) {
      if (req.temperature !== undefined && req.temperature !== 1) {
        return invalidRequest('`temperature` may only be set to 1 when thinking is enabled.');
      }
      if (req.top_k !== undefined)
        return invalidRequest('`top_k` is not supported when thinking is enabled.');
      if (req.tool_choice?.type === 'any' || req.tool_choice?.type === 'tool') {
        return invalidRequest('Thinking may not be enabled when tool_choice forces tool use.');
      }
    }
  }
  return undefined;
}
