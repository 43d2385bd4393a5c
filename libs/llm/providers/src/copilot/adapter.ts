import {
  GatewayError,
  isRecord,
  tryParseJson,
  type UpstreamAdapter,
  type UpstreamChannel,
  type UpstreamHttpRequest,
  type UpstreamIo,
} from '@one-api/llm-core';
import { cachedCredential } from '../credential-cache';
import { openAiAdapter } from '../openai/adapter';
import { withAuthorization } from '../openai/authorization';
import { COPILOT_HEADERS } from '../openai/vendors';

export const COPILOT_TOKEN_URL = 'https://api.github.com/copilot_internal/v2/token';
/** Exchange again this long before the Copilot token expires (they live about 30 minutes). */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;

function channelProblem(message: string): GatewayError {
  return new GatewayError({ kind: 'upstream', status: 502, retryable: true, message });
}

/** `config.token_url` overrides GitHub's token endpoint (GitHub Enterprise, tests). */
export function copilotTokenUrl(channel: UpstreamChannel): string {
  const url = channel.config.token_url;
  return typeof url === 'string' && url.trim() !== '' ? url.trim() : COPILOT_TOKEN_URL;
}

/**
 * The short-lived Copilot API token for a GitHub OAuth token: `GET copilot_internal/v2/token` with
 * `Authorization: token <github token>` answers `{token, expires_at (Unix seconds), refresh_in, ...}`.
 */
export function copilotToken(channel: UpstreamChannel, io: UpstreamIo): Promise<string> {
  const url = copilotTokenUrl(channel);
  return cachedCredential(io, `copilot-token:${url}:${channel.key}`, REFRESH_MARGIN_MS, async () => {
    const response = await io.send({
      url,
      method: 'GET',
      headers: { ...COPILOT_HEADERS, Accept: 'application/json', Authorization: `token ${channel.key}` },
    });
    const body = tryParseJson(await response.body.text());
    if (response.statusCode !== 200 || !isRecord(body) || typeof body.token !== 'string') {
      const reason = isRecord(body) && typeof body.message === 'string' ? `: ${body.message}` : '';
      throw channelProblem(`the GitHub Copilot token exchange failed (HTTP ${response.statusCode}${reason})`);
    }
    const expiresAt =
      typeof body.expires_at === 'number' ? body.expires_at * 1000 : io.now() + 25 * 60 * 1000;
    return { value: body.token, expiresAt };
  });
}

/**
 * GitHub Copilot (channel type 53, One API fork): the OpenAI chat API at api.githubcopilot.com (no `/v1`), reached
 * with a Copilot token exchanged from the channel's GitHub OAuth token and the editor headers Copilot requires.
 */
export const copilotAdapter: UpstreamAdapter = {
  ...openAiAdapter,
  async authorize(
    request: UpstreamHttpRequest,
    channel: UpstreamChannel,
    io: UpstreamIo,
  ): Promise<UpstreamHttpRequest> {
    const token = await copilotToken(channel, io);
    return {
      ...request,
      headers: withAuthorization({ ...request.headers, ...COPILOT_HEADERS }, `Bearer ${token}`),
    };
  },
};
