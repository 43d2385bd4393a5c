/** What kind of value an option holds, judged from its default (One API keeps every option as a string). */
export type OptionKind = 'bool' | 'number' | 'json' | 'string';

export function optionKind(defaultValue: string | undefined): OptionKind {
  if (defaultValue === undefined) return 'string';
  if (defaultValue === 'true' || defaultValue === 'false') return 'bool';
  if (defaultValue.trim() !== '' && Number.isFinite(Number(defaultValue))) return 'number';
  if (defaultValue.trim().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(defaultValue);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return 'json';
    } catch {
      // not JSON: a plain string option
    }
  }
  return 'string';
}

/** The stored (string) form of a value sent as string, number or boolean. */
export function optionValueString(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

/** A JSON object whose values are all finite non-negative numbers (GroupRatio, ModelRatio, CompletionRatio...). */
export function isRatioMap(value: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return false;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  return Object.values(parsed as Record<string, unknown>).every(
    (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  );
}

export interface OptionLookup {
  /** the option exists (a default or a saved row) */
  has(key: string): boolean;
  /** the built-in or registered default, undefined for keys that only exist as saved rows */
  defaultOf(key: string): string | undefined;
  /** the current effective value */
  get(key: string): string;
}

const filled = (v: string) => v.trim() !== '';

/**
 * Checks one PUT /api/option write; returns the error message, or null when the value may be stored.
 * Dependent checks follow One API: a login method or a restriction cannot be switched on before its settings exist.
 */
export function validateOptionUpdate(key: string, value: string, options: OptionLookup): string | null {
  if (!options.has(key)) return `Unknown option: ${key}`;
  const kind = optionKind(options.defaultOf(key));
  if (kind === 'bool' && value !== 'true' && value !== 'false') return `${key} must be "true" or "false"`;
  if (kind === 'number' && (value.trim() === '' || !Number.isFinite(Number(value))))
    return `${key} must be a number`;
  if (kind === 'json' && !isRatioMap(value)) {
    return `${key} must be a JSON object whose values are non-negative numbers`;
  }
  if (value !== 'true') return null;
  switch (key) {
    case 'GitHubOAuthEnabled':
      return filled(options.get('GitHubClientId'))
        ? null
        : 'Cannot enable GitHubOAuthEnabled: set GitHubClientId first';
    case 'OidcEnabled': {
      const endpoints = ['OidcAuthorizationEndpoint', 'OidcTokenEndpoint', 'OidcUserinfoEndpoint'];
      const discovery =
        filled(options.get('OidcWellKnown')) || endpoints.every((k) => filled(options.get(k)));
      return filled(options.get('OidcClientId')) && discovery
        ? null
        : `Cannot enable OidcEnabled: set OidcClientId and either OidcWellKnown or all of ${endpoints.join(', ')} first`;
    }
    case 'TurnstileCheckEnabled':
      return filled(options.get('TurnstileSiteKey'))
        ? null
        : 'Cannot enable TurnstileCheckEnabled: set TurnstileSiteKey first';
    case 'EmailDomainRestrictionEnabled': {
      const domains = options
        .get('EmailDomainWhitelist')
        .split(',')
        .filter((d) => filled(d));
      return domains.length > 0
        ? null
        : 'Cannot enable EmailDomainRestrictionEnabled: EmailDomainWhitelist is empty';
    }
    case 'WeChatAuthEnabled':
      return filled(options.get('WeChatServerAddress'))
        ? null
        : 'Cannot enable WeChatAuthEnabled: set WeChatServerAddress first';
    default:
      return null;
  }
}
