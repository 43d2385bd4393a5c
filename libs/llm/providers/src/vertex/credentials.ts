import { GatewayError, type UpstreamChannel } from '@one-api/llm-core';

/** Google's token endpoint, used when a service account JSON names none. */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
/** The location used when the channel names none (the default of Google's own SDKs). */
export const VERTEX_DEFAULT_REGION = 'us-central1';

/** The fields of a Google service-account key file the gateway uses. */
export interface ServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
  token_uri: string;
}

export interface VertexCredentials {
  region: string;
  projectId: string;
  serviceAccount: ServiceAccount;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A channel-side problem: another channel may work, and the message never quotes the key material. */
export function vertexCredentialError(message: string): GatewayError {
  return new GatewayError({ kind: 'upstream', status: 502, retryable: true, message });
}

function parseServiceAccount(json: string): ServiceAccount {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw vertexCredentialError('the Vertex AI channel service account is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw vertexCredentialError('the Vertex AI channel service account is not a JSON object');
  const sa = parsed as Record<string, unknown>;
  const missing = ['client_email', 'private_key'].filter((name) => text(sa[name]) === undefined);
  if (missing.length > 0)
    throw vertexCredentialError(`the Vertex AI channel service account has no ${missing.join(' or ')}`);
  return {
    client_email: text(sa.client_email) as string,
    private_key: sa.private_key as string,
    private_key_id: text(sa.private_key_id),
    project_id: text(sa.project_id),
    token_uri: text(sa.token_uri) ?? GOOGLE_TOKEN_URI,
  };
}

/**
 * The channel's location, project and service account: from `config` (`region`, `vertex_ai_project_id`,
 * `vertex_ai_adc`) as One API stores them, else from a key of the form `region|project|adc` (what One API's UI
 * composes), else a key that is the service-account JSON itself. The project defaults to the JSON's `project_id`.
 */
export function vertexCredentials(channel: Pick<UpstreamChannel, 'key' | 'config'>): VertexCredentials {
  const config = channel.config ?? {};
  let region = text(config.region);
  let project = text(config.vertex_ai_project_id);
  let adc = text(config.vertex_ai_adc);
  const key = channel.key.trim();
  if (adc === undefined && key !== '') {
    if (key.startsWith('{')) adc = key;
    else {
      const first = key.indexOf('|');
      const second = first === -1 ? -1 : key.indexOf('|', first + 1);
      if (second !== -1) {
        region ??= text(key.slice(0, first));
        project ??= text(key.slice(first + 1, second));
        adc = text(key.slice(second + 1));
      }
    }
  }
  if (adc === undefined)
    throw vertexCredentialError(
      'the Vertex AI channel has no service account (config.vertex_ai_adc or a key "region|project|service-account JSON")',
    );
  const serviceAccount = parseServiceAccount(adc);
  const projectId = project ?? serviceAccount.project_id;
  if (projectId === undefined)
    throw vertexCredentialError('the Vertex AI channel has no project id (config.vertex_ai_project_id)');
  return { region: region ?? VERTEX_DEFAULT_REGION, projectId, serviceAccount };
}
