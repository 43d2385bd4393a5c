/** Spark API versions and the `domain` each expects (iFlytek's version table). */
const DOMAINS: Readonly<Record<string, string>> = {
  'v1.1': 'lite',
  'v2.1': 'generalv2',
  'v3.1': 'generalv3',
  'v3.5': 'generalv3.5',
  'pro-128k': 'pro-128k',
  'max-32k': 'max-32k',
  'v4.0': '4.0Ultra',
};

/**
 * The API version of a call: `config.api_version`, else the legacy `other` column, else the model name
 * (`SparkDesk-v3.5` → `v3.5`), else v1.1 — One API's order.
 */
export function sparkVersion(model: string, config: Record<string, unknown>, other?: string): string {
  const configured = typeof config.api_version === 'string' ? config.api_version.trim() : '';
  if (configured) return configured;
  if (other?.trim()) return other.trim();
  const fromModel = /^SparkDesk-(v\d\.\d)$/i.exec(model);
  return fromModel ? fromModel[1].toLowerCase() : 'v1.1';
}

export function sparkDomain(version: string): string {
  return DOMAINS[version] ?? 'lite';
}

/** The WebSocket path of a version: `/v3.5/chat`; pro-128k and max-32k live under `/chat/…`. */
export function sparkPath(version: string): string {
  return version.startsWith('v') ? `/${version}/chat` : `/chat/${version}`;
}
