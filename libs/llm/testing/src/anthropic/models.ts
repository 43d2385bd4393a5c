/** Models the fake lists at GET /v1/models (any model is accepted by POST /v1/messages). */
export const DEFAULT_ANTHROPIC_MODELS: readonly string[] = [
  'claude-opus-4-7',
  'claude-sonnet-4-6',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
];

const CREATED_AT = '2025-10-01T00:00:00Z';

function displayName(id: string): string {
  return id
    .split('-')
    .map((part) => (/^\d+$/.test(part) ? part : part[0].toUpperCase() + part.slice(1)))
    .join(' ')
    .replace(/(\d) (\d)/g, '$1.$2');
}

export function anthropicModelObject(id: string): Record<string, unknown> {
  return { type: 'model', id, display_name: displayName(id), created_at: CREATED_AT };
}

export function anthropicModelList(models: readonly string[]): Record<string, unknown> {
  return {
    data: models.map(anthropicModelObject),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  };
}
