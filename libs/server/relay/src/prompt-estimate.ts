/**
 * A cheap upper-leaning estimate of prompt tokens, used only to size the quota reservation before the call
 * (the final charge uses the upstream's usage): about 4 characters per token, images at a fixed tile cost.
 */
export function roughPromptTokens(body: Record<string, unknown>): number {
  let chars = 0;
  let extra = 0;
  const visit = (content: unknown) => {
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (typeof part === 'string') chars += part.length;
        else if (part && typeof part === 'object') {
          const p = part as Record<string, unknown>;
          if (typeof p.text === 'string') chars += p.text.length;
          else if (p.type === 'image_url' || p.type === 'input_image' || p.type === 'image') extra += 765;
          else if (p.type === 'input_audio' || p.type === 'file') extra += 1000;
        }
      }
    }
  };
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) {
      if (!m || typeof m !== 'object') continue;
      const message = m as Record<string, unknown>;
      extra += 4;
      visit(message.content);
      if (Array.isArray(message.tool_calls)) chars += JSON.stringify(message.tool_calls).length;
    }
  }
  visit(body.prompt);
  visit(body.input);
  if (Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  return Math.ceil(chars / 4) + extra;
}
