/**
 * Built-in list prices in US dollars per million tokens: [input, output]. One API's ratios derive from them:
 * model ratio = input / 2 (ratio 1 = $2 per 1M prompt tokens = 500000 quota per $1 × $0.002 per 1K), completion
 * ratio = output / input. Admins override both through the ModelRatio / CompletionRatio options.
 */
export const MODEL_PRICES_USD_PER_1M: Record<string, readonly [input: number, output: number]> = {
  // OpenAI
  'gpt-3.5-turbo': [0.5, 1.5],
  'gpt-3.5-turbo-0125': [0.5, 1.5],
  'gpt-3.5-turbo-1106': [1, 2],
  'gpt-3.5-turbo-instruct': [1.5, 2],
  'gpt-4': [30, 60],
  'gpt-4-turbo': [10, 30],
  'gpt-4-turbo-2024-04-09': [10, 30],
  'gpt-4o': [2.5, 10],
  'gpt-4o-2024-05-13': [5, 15],
  'gpt-4o-2024-08-06': [2.5, 10],
  'gpt-4o-2024-11-20': [2.5, 10],
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4o-mini-2024-07-18': [0.15, 0.6],
  // search models: tokens as their base model, plus a per-call fee (media-pricing.ts WEB_SEARCH_USD_PER_1K_CALLS)
  'gpt-4o-search-preview': [2.5, 10],
  'gpt-4o-mini-search-preview': [0.15, 0.6],
  'chatgpt-4o-latest': [5, 15],
  'gpt-4.1': [2, 8],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  'gpt-5': [1.25, 10],
  'gpt-5-mini': [0.25, 2],
  'gpt-5-nano': [0.05, 0.4],
  'gpt-5-chat-latest': [1.25, 10],
  'gpt-5.1': [1.25, 10],
  o1: [15, 60],
  'o1-mini': [1.1, 4.4],
  o3: [2, 8],
  'o3-mini': [1.1, 4.4],
  'o4-mini': [1.1, 4.4],
  'gpt-oss-20b': [0.05, 0.2],
  'gpt-oss-120b': [0.15, 0.6],
  'text-embedding-ada-002': [0.1, 0.1],
  'text-embedding-3-small': [0.02, 0.02],
  'text-embedding-3-large': [0.13, 0.13],
  'text-moderation-latest': [0.1, 0.1],
  'text-moderation-stable': [0.1, 0.1],
  'omni-moderation-latest': [0.1, 0.1],
  'davinci-002': [2, 2],
  'babbage-002': [0.4, 0.4],
  // Anthropic
  'claude-3-haiku-20240307': [0.25, 1.25],
  'claude-3-5-haiku-20241022': [0.8, 4],
  'claude-3-5-haiku-latest': [0.8, 4],
  'claude-3-5-sonnet-20240620': [3, 15],
  'claude-3-5-sonnet-20241022': [3, 15],
  'claude-3-5-sonnet-latest': [3, 15],
  'claude-3-7-sonnet-20250219': [3, 15],
  'claude-3-7-sonnet-latest': [3, 15],
  'claude-3-opus-20240229': [15, 75],
  'claude-sonnet-4-20250514': [3, 15],
  'claude-sonnet-4-0': [3, 15],
  'claude-sonnet-4-5': [3, 15],
  'claude-sonnet-4-5-20250929': [3, 15],
  'claude-opus-4-20250514': [15, 75],
  'claude-opus-4-0': [15, 75],
  'claude-opus-4-1': [15, 75],
  'claude-opus-4-1-20250805': [15, 75],
  'claude-opus-4-5': [5, 25],
  'claude-haiku-4-5': [1, 5],
  'claude-haiku-4-5-20251001': [1, 5],
  // Claude on Vertex AI: `model@version` ids, Anthropic's prices
  'claude-sonnet-4-5@20250929': [3, 15],
  'claude-opus-4-1@20250805': [15, 75],
  'claude-sonnet-4@20250514': [3, 15],
  'claude-3-7-sonnet@20250219': [3, 15],
  'claude-3-5-haiku@20241022': [0.8, 4],
  'claude-haiku-4-5@20251001': [1, 5],
  // Google
  'gemini-2.0-flash': [0.1, 0.4],
  'gemini-2.0-flash-lite': [0.075, 0.3],
  'gemini-2.5-flash': [0.3, 2.5],
  'gemini-2.5-flash-lite': [0.1, 0.4],
  'gemini-2.5-pro': [1.25, 10],
  'text-embedding-004': [0.1, 0.1],
  // DeepSeek
  'deepseek-chat': [0.28, 0.42],
  'deepseek-reasoner': [0.28, 0.42],
  // xAI
  'grok-3': [3, 15],
  'grok-3-mini': [0.3, 0.5],
  'grok-4': [3, 15],
  'grok-4-fast-non-reasoning': [0.2, 0.5],
  'grok-4-fast-reasoning': [0.2, 0.5],
  'grok-code-fast-1': [0.2, 1.5],
  // Mistral
  'mistral-large-latest': [2, 6],
  'mistral-medium-latest': [0.4, 2],
  'mistral-small-latest': [0.1, 0.3],
  'codestral-latest': [0.3, 0.9],
  'open-mistral-nemo': [0.15, 0.15],
  'mistral-embed': [0.1, 0.1],
  // Groq-hosted open models
  'llama-3.3-70b-versatile': [0.59, 0.79],
  'llama-3.1-8b-instant': [0.05, 0.08],
  // Moonshot (CNY list prices converted at ≈7.2)
  'moonshot-v1-8k': [1.67, 1.67],
  'moonshot-v1-32k': [3.33, 3.33],
  'moonshot-v1-128k': [8.33, 8.33],
  'kimi-k2-0905-preview': [0.6, 2.5],
};

/** Prices of models not in the table: One API's conservative fallback ratio 30 ($60 per 1M tokens). */
export const UNKNOWN_MODEL_RATIO = 30;

/**
 * Long-context list prices: above `above` input tokens the whole request is priced at these USD per 1M tokens
 * (Gemini 2.5 Pro and Claude Sonnet 4 / 4.5 with the 1M-token context charge more for prompts over 200K).
 */
export const MODEL_TIERS_USD_PER_1M: Record<
  string,
  ReadonlyArray<{ above: number; input: number; output: number }>
> = {
  'gemini-2.5-pro': [{ above: 200_000, input: 2.5, output: 15 }],
  'claude-sonnet-4-20250514': [{ above: 200_000, input: 6, output: 22.5 }],
  'claude-sonnet-4-0': [{ above: 200_000, input: 6, output: 22.5 }],
  'claude-sonnet-4-5': [{ above: 200_000, input: 6, output: 22.5 }],
  'claude-sonnet-4-5-20250929': [{ above: 200_000, input: 6, output: 22.5 }],
};
