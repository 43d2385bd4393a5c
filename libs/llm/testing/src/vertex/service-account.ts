import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';

/** A Google service-account key file as the console downloads it, for a key pair made at test time. */
export interface TestServiceAccount {
  /** The key file's fields (`type`, `project_id`, `private_key_id`, `private_key`, `client_email`, `token_uri`, ...). */
  json: Record<string, string>;
  /** `JSON.stringify(json)`: what a Vertex channel's `config.vertex_ai_adc` holds. */
  text: string;
  /** The public half, what Google checks the assertion's signature with. */
  publicKey: KeyObject;
}

/** Makes a fresh RSA-2048 service account whose assertions are meant for `tokenUri` (nothing is written to disk). */
export function createTestServiceAccount(opts: {
  tokenUri: string;
  projectId?: string;
  clientEmail?: string;
}): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const projectId = opts.projectId ?? 'fake-vertex-project';
  const clientEmail = opts.clientEmail ?? `gateway@${projectId}.iam.gserviceaccount.com`;
  const json: Record<string, string> = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    client_email: clientEmail,
    client_id: String(100000000000000000000n + BigInt(randomBytes(4).readUInt32BE())),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: opts.tokenUri,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: 'googleapis.com',
  };
  return { json, text: JSON.stringify(json), publicKey };
}
