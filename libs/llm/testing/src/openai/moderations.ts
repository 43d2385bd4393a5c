import { randomId } from './ids';
import type { FakeExchange } from '../core/exchange';
import { missingParameter, type OpenAIErrorResponse } from './errors';
import type { ModerationRequest } from './types';

export const MODERATION_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/instructions',
  'self-harm/intent',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;

const IMAGE_CATEGORIES = new Set<string>([
  'self-harm',
  'self-harm/instructions',
  'self-harm/intent',
  'sexual',
  'violence',
  'violence/graphic',
]);

/** Deterministic triggers: text matching a pattern is flagged in that category (score 0.98; others 0.0001). */
export const MODERATION_TRIGGERS: Record<string, RegExp> = {
  violence: /\b(kill|murder|attack)\b/i,
  harassment: /\b(idiot|stupid)\b/i,
  hate: /\bhate\b/i,
};

interface ModerationInput {
  text: string;
  hasText: boolean;
  hasImage: boolean;
}

function inputsOf(req: ModerationRequest): ModerationInput[] {
  const input = req.input;
  if (typeof input === 'string') return [{ text: input, hasText: true, hasImage: false }];
  if (!Array.isArray(input)) return [];
  if (input.every((x) => typeof x === 'string')) {
    return (input as string[]).map((text) => ({ text, hasText: true, hasImage: false }));
  }
  // A multi-modal array is one input: OpenAI answers it with one result.
  const parts = input as Array<{ type?: string; text?: string }>;
  return [
    {
      text: parts.map((p) => (p?.type === 'text' && typeof p.text === 'string' ? p.text : '')).join(' '),
      hasText: parts.some((p) => p?.type === 'text'),
      hasImage: parts.some((p) => p?.type === 'image_url'),
    },
  ];
}

function result(input: ModerationInput): Record<string, unknown> {
  const categories: Record<string, boolean | null> = {};
  const scores: Record<string, number> = {};
  const applied: Record<string, string[]> = {};
  for (const c of MODERATION_CATEGORIES) {
    const trigger = MODERATION_TRIGGERS[c];
    const hit = trigger !== undefined && trigger.test(input.text);
    categories[c] = hit;
    scores[c] = hit ? 0.98 : 0.0001;
    applied[c] = [
      ...(input.hasText ? ['text'] : []),
      ...(input.hasImage && IMAGE_CATEGORIES.has(c) ? ['image'] : []),
    ];
  }
  return {
    flagged: Object.values(categories).some((v) => v === true),
    categories,
    category_scores: scores,
    category_applied_input_types: applied,
  };
}

export function moderationBody(req: ModerationRequest): Record<string, unknown> {
  return {
    id: `modr-${randomId(24)}`,
    model: req.model ?? 'omni-moderation-latest',
    results: inputsOf(req).map(result),
  };
}

export async function handleModerations(ex: FakeExchange, send: (e: OpenAIErrorResponse) => Promise<void>) {
  const req = (ex.body ?? {}) as ModerationRequest;
  if (req.input === undefined || req.input === null) return send(missingParameter('input'));
  return ex.json(200, moderationBody(req));
}
