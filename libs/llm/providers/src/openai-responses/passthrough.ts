type Body = Record<string, unknown>;

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A forced function spelled the Claude way (`{type:"tool", name}`, which the fork's harness sends) or the Chat
 * Completions way (`{type:"function", function:{name}}`), as the Responses API spells it (`{type:"function", name}`);
 * anything else unchanged. OpenAI refuses the other spellings with a 400.
 */
export function responsesToolChoice(choice: unknown): unknown {
  if (!isObject(choice)) return choice;
  if (choice.type === 'tool' && typeof choice.name === 'string')
    return { type: 'function', name: choice.name };
  if (
    choice.type === 'function' &&
    typeof choice.name !== 'string' &&
    isObject(choice.function) &&
    typeof choice.function.name === 'string'
  )
    return { type: 'function', name: choice.function.name };
  return choice;
}

/**
 * The caller's Responses body for a channel that speaks the Responses API: the model after mapping and a forced
 * tool in the Responses spelling; every other field as the caller sent it (the same object when nothing changes).
 */
export function responsesPassthroughBody(payload: Body, upstreamModel: string): Body {
  const toolChoice = responsesToolChoice(payload.tool_choice);
  if (payload.model === upstreamModel && toolChoice === payload.tool_choice) return payload;
  const body: Body = { ...payload, model: upstreamModel };
  if (toolChoice !== payload.tool_choice) body.tool_choice = toolChoice;
  return body;
}
