/**
 * Claude model ids as the Anthropic API, Vertex AI (`claude-sonnet-4-5@20250929`) and Bedrock
 * (`us.anthropic.claude-haiku-4-5-20251001-v1:0`) name them: family, major version and the one- or two-digit minor
 * version (`claude-sonnet-4-20250514` is 4.0: an eight-digit date is not a minor version).
 */
const CLAUDE_MODEL = /claude-(opus|sonnet|haiku)-(\d+)(?:-(\d{1,2})(?!\d))?/i;

/**
 * Whether the model refuses `temperature` and `top_p` in one request (400 "`temperature` and `top_p` cannot both be
 * specified for this model. Please use only one."): Anthropic's migration guide lists it as a breaking change of
 * Claude Sonnet 4.5 and Haiku 4.5, Opus 4.1 does the same, and so does every later model. Claude 3.x, Sonnet 4 and
 * Opus 4 take both.
 */
export function refusesTemperatureWithTopP(model: string): boolean {
  const match = CLAUDE_MODEL.exec(model);
  if (!match) return false;
  const family = match[1].toLowerCase();
  const major = Number(match[2]);
  const minor = match[3] === undefined ? 0 : Number(match[3]);
  if (major > 4) return true;
  if (major < 4) return false;
  return minor >= 5 || (family === 'opus' && minor >= 1);
}
