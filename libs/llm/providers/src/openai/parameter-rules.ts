import { vendorOrDefault } from './vendors';

type WireObject = Record<string, unknown>;

/** OpenAI reasoning models: o-series and gpt-5 (gpt-5-chat is a plain chat model). */
const OPENAI_REASONING = /^(?:o\d|gpt-5(?!-chat))/;
/** Sampling settings OpenAI reasoning models refuse (temperature only at its default 1). */
const REASONING_REFUSED = [
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'logit_bias',
];
/** xAI reasoning models (grok-3-mini, grok-4*) refuse these; grok-4 also takes no reasoning_effort. */
const GROK_REASONING = /^grok-(?:3-mini|4)/;
const GROK_REFUSED = ['presence_penalty', 'frequency_penalty', 'stop'];

export function bareModelName(model: string): string {
  return model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
}

export function isOpenAiReasoningModel(model: string): boolean {
  return OPENAI_REASONING.test(bareModelName(model));
}

export interface VendorOptions {
  /** OPENROUTER_PROVIDER_SORT: OpenRouter's provider routing order (`price`, `throughput`, `latency`). */
  openRouterProviderSort?: string;
}

function drop(body: WireObject, field: string, why: string, warnings: string[]): void {
  if (body[field] === undefined) return;
  delete body[field];
  warnings.push(`${field} was dropped: ${why}`);
}

/**
 * The per-model and per-vendor rules an OpenAI-style chat body must follow, applied in place to the body the gateway
 * sends — built from the canonical model or passed through from the caller alike:
 * - OpenAI o-series / gpt-5 reasoning models: `max_tokens` becomes `max_completion_tokens`; temperature (other than
 *   1), top_p, penalties and logprobs are removed, as those models refuse them.
 * - DeepSeek (36): earlier turns must not carry `reasoning_content` back (DeepSeek answers 400); deepseek-reasoner
 *   refuses logprobs.
 * - xAI (45): grok-3-mini / grok-4 refuse penalties and stop; grok-4 refuses reasoning_effort.
 * - OpenRouter (20): reasoning settings go in its `reasoning` object; OPENROUTER_PROVIDER_SORT becomes
 *   `provider.sort` unless the caller chose one.
 * Returns what was changed, as warnings.
 */
export function applyVendorParameterRules(
  body: WireObject,
  channelType: number,
  options: VendorOptions = {},
): string[] {
  const warnings: string[] = [];
  const model = typeof body.model === 'string' ? bareModelName(body.model) : '';
  const vendor = vendorOrDefault(channelType);

  if (OPENAI_REASONING.test(model) && vendor.maxTokensField === 'auto') {
    if (body.max_tokens !== undefined && body.max_completion_tokens === undefined) {
      body.max_completion_tokens = body.max_tokens;
      delete body.max_tokens;
    }
    if (body.temperature !== undefined && body.temperature !== 1)
      drop(body, 'temperature', `${model} is a reasoning model`, warnings);
    for (const field of REASONING_REFUSED) drop(body, field, `${model} is a reasoning model`, warnings);
  }

  if (channelType === 36) {
    if (
      Array.isArray(body.messages) &&
      body.messages.some((m) => (m as WireObject)?.reasoning_content !== undefined)
    ) {
      body.messages = body.messages.map((m) => {
        if (!m || typeof m !== 'object' || (m as WireObject).reasoning_content === undefined) return m;
        const { reasoning_content: _dropped, ...rest } = m as WireObject;
        return rest;
      });
      warnings.push('reasoning_content of earlier turns was removed: DeepSeek refuses it in input messages');
    }
    if (model.startsWith('deepseek-reasoner'))
      for (const field of ['logprobs', 'top_logprobs'])
        drop(body, field, 'deepseek-reasoner does not return them', warnings);
  }

  if (channelType === 45 && GROK_REASONING.test(model)) {
    for (const field of GROK_REFUSED) drop(body, field, `${model} is a reasoning model`, warnings);
    if (model.startsWith('grok-4')) drop(body, 'reasoning_effort', 'grok-4 always reasons', warnings);
  }

  if (channelType === 20) {
    if (body.reasoning_effort !== undefined) {
      const reasoning = (
        body.reasoning && typeof body.reasoning === 'object' ? body.reasoning : {}
      ) as WireObject;
      if (reasoning.effort === undefined && reasoning.max_tokens === undefined)
        body.reasoning = { ...reasoning, effort: body.reasoning_effort };
      delete body.reasoning_effort;
    }
    const sort = options.openRouterProviderSort;
    if (sort) {
      const provider = (
        body.provider && typeof body.provider === 'object' ? body.provider : {}
      ) as WireObject;
      if (provider.sort === undefined) body.provider = { ...provider, sort };
    }
  }
  return warnings;
}
