import { GatewayError, type UpstreamChannel } from '@one-api/llm-core';

/** What a Bedrock call is signed with. */
export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** AWS region names (`us-east-1`, `us-gov-west-1`, `ap-southeast-2`): also keeps the default host name well-formed. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

function configString(config: Record<string, unknown>, name: string): string {
  const value = config[name];
  return typeof value === 'string' ? value.trim() : '';
}

function credentialError(message: string): GatewayError {
  // A channel misconfiguration, not the caller's fault: another channel may still serve the request.
  return new GatewayError({ kind: 'upstream', status: 500, retryable: true, message });
}

/**
 * The channel's AWS credentials: config `ak` / `sk` / `region` (what One API's channel form writes), each falling
 * back to the matching part of the key `AK|SK|REGION` (what its UI composes into the key).
 */
export function bedrockCredentials(channel: Pick<UpstreamChannel, 'key' | 'config'>): BedrockCredentials {
  const parts = channel.key.includes('|') ? channel.key.split('|').map((p) => p.trim()) : [];
  const accessKeyId = configString(channel.config, 'ak') || parts[0] || '';
  const secretAccessKey = configString(channel.config, 'sk') || parts[1] || '';
  const region = configString(channel.config, 'region') || parts[2] || '';
  if (accessKeyId === '' || secretAccessKey === '' || region === '') {
    throw credentialError(
      'the AWS Bedrock channel has no complete credentials: set config ak, sk and region, or the key AK|SK|REGION',
    );
  }
  if (!REGION.test(region)) {
    // The value is not echoed: the message may reach callers, and a misplaced secret must not.
    throw credentialError("the AWS Bedrock channel's region is not an AWS region name such as us-east-1");
  }
  return { accessKeyId, secretAccessKey, region };
}
