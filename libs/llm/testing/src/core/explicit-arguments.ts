/**
 * `call <name> with {...}` in a prompt: the JSON object written after `with` becomes the call's arguments verbatim
 * (instead of arguments sampled from the tool's schema). Agent CLIs need real values — a file path that exists, a
 * command that runs — so their tool-call turns can be driven from the prompt alone.
 */
export function explicitArguments(text: string, name: string): Record<string, unknown> | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^|[^a-z0-9_])call\\s+${escaped}\\s+with\\s*(?=\\{)`, 'i').exec(text);
  if (!match) return undefined;
  const json = balancedObject(text, match.index + match[0].length);
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The `{...}` text starting at `start`, braces balanced outside JSON strings; undefined when it never closes. */
function balancedObject(text: string, start: number): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}
