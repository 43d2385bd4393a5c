import { OPTION_DEFAULTS } from './option-defaults';
import {
  isRatioMap,
  OptionLookup,
  optionKind,
  optionValueString,
  validateOptionUpdate,
} from './option-validation';

function lookup(
  saved: Record<string, string> = {},
  extraDefaults: Record<string, string> = {},
): OptionLookup {
  const defaults: Record<string, string> = { ...OPTION_DEFAULTS, ...extraDefaults };
  return {
    has: (k) => k in defaults || k in saved,
    defaultOf: (k) => defaults[k],
    get: (k) => saved[k] ?? defaults[k] ?? '',
  };
}

describe('option validation', () => {
  it('classifies options by their default', () => {
    expect(optionKind('true')).toBe('bool');
    expect(optionKind('false')).toBe('bool');
    expect(optionKind('500000')).toBe('number');
    expect(optionKind('0.5')).toBe('number');
    expect(optionKind('{"default":1}')).toBe('json');
    expect(optionKind('')).toBe('string');
    expect(optionKind('One API')).toBe('string');
    expect(optionKind('[1,2]')).toBe('string');
    expect(optionKind(undefined)).toBe('string');
  });

  it('stores the string form of scalars', () => {
    expect(optionValueString(true)).toBe('true');
    expect(optionValueString(12.5)).toBe('12.5');
    expect(optionValueString('x')).toBe('x');
  });

  it('accepts only objects of non-negative numbers as ratio maps', () => {
    expect(isRatioMap('{"default":1,"vip":0.5,"free":0}')).toBe(true);
    expect(isRatioMap('{}')).toBe(true);
    expect(isRatioMap('{"a":-1}')).toBe(false);
    expect(isRatioMap('{"a":"1"}')).toBe(false);
    expect(isRatioMap('[1]')).toBe(false);
    expect(isRatioMap('null')).toBe(false);
    expect(isRatioMap('{')).toBe(false);
  });

  it('rejects unknown keys and badly typed values, naming the key', () => {
    const o = lookup();
    expect(validateOptionUpdate('NoSuchOption', 'x', o)).toContain('NoSuchOption');
    expect(validateOptionUpdate('RegisterEnabled', 'yes', o)).toContain('RegisterEnabled');
    expect(validateOptionUpdate('RegisterEnabled', 'false', o)).toBeNull();
    expect(validateOptionUpdate('QuotaPerUnit', 'lots', o)).toContain('QuotaPerUnit');
    expect(validateOptionUpdate('QuotaPerUnit', '', o)).toContain('QuotaPerUnit');
    expect(validateOptionUpdate('QuotaPerUnit', '1000.5', o)).toBeNull();
    expect(validateOptionUpdate('GroupRatio', '{"vip":', o)).toContain('GroupRatio');
    expect(validateOptionUpdate('GroupRatio', '{"vip":2}', o)).toBeNull();
    expect(validateOptionUpdate('SystemName', 'anything at all', o)).toBeNull();
  });

  it('validates JSON options registered by other modules', () => {
    const o = lookup({}, { ModelRatio: '{"gpt-4":15}' });
    expect(validateOptionUpdate('ModelRatio', '{"gpt-4":"15"}', o)).toContain('ModelRatio');
    expect(validateOptionUpdate('ModelRatio', '{"gpt-4":30}', o)).toBeNull();
  });

  it('accepts keys that only exist as saved rows', () => {
    expect(validateOptionUpdate('LegacyThing', 'x', lookup({ LegacyThing: 'y' }))).toBeNull();
  });

  it("applies One API's dependent checks", () => {
    expect(validateOptionUpdate('GitHubOAuthEnabled', 'true', lookup())).toContain('GitHubClientId');
    expect(validateOptionUpdate('GitHubOAuthEnabled', 'true', lookup({ GitHubClientId: 'abc' }))).toBeNull();
    expect(validateOptionUpdate('GitHubOAuthEnabled', 'false', lookup())).toBeNull();

    expect(validateOptionUpdate('OidcEnabled', 'true', lookup({ OidcWellKnown: 'https://x' }))).toContain(
      'OidcClientId',
    );
    expect(validateOptionUpdate('OidcEnabled', 'true', lookup({ OidcClientId: 'c' }))).not.toBeNull();
    expect(
      validateOptionUpdate(
        'OidcEnabled',
        'true',
        lookup({ OidcClientId: 'c', OidcAuthorizationEndpoint: 'a', OidcTokenEndpoint: 't' }),
      ),
    ).not.toBeNull();
    expect(
      validateOptionUpdate(
        'OidcEnabled',
        'true',
        lookup({
          OidcClientId: 'c',
          OidcAuthorizationEndpoint: 'a',
          OidcTokenEndpoint: 't',
          OidcUserinfoEndpoint: 'u',
        }),
      ),
    ).toBeNull();
    expect(
      validateOptionUpdate('OidcEnabled', 'true', lookup({ OidcClientId: 'c', OidcWellKnown: 'w' })),
    ).toBeNull();

    expect(validateOptionUpdate('TurnstileCheckEnabled', 'true', lookup())).toContain('TurnstileSiteKey');
    expect(
      validateOptionUpdate('TurnstileCheckEnabled', 'true', lookup({ TurnstileSiteKey: 'k' })),
    ).toBeNull();

    expect(
      validateOptionUpdate('EmailDomainRestrictionEnabled', 'true', lookup({ EmailDomainWhitelist: ' , ' })),
    ).toContain('EmailDomainWhitelist');
    expect(validateOptionUpdate('EmailDomainRestrictionEnabled', 'true', lookup())).toBeNull();

    expect(validateOptionUpdate('WeChatAuthEnabled', 'true', lookup())).toContain('WeChatServerAddress');
  });
});
