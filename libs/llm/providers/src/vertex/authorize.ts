import type { UpstreamChannel, UpstreamHttpRequest, UpstreamIo } from '@one-api/llm-core';
import { serviceAccountAccessToken } from './access-token';
import { vertexCredentials } from './credentials';

/** Adds `Authorization: Bearer <access token>` for the channel's service account (cached; see access-token). */
export async function authorizeVertexRequest(
  request: UpstreamHttpRequest,
  channel: UpstreamChannel,
  io: UpstreamIo,
): Promise<UpstreamHttpRequest> {
  const { serviceAccount } = vertexCredentials(channel);
  const token = await serviceAccountAccessToken(serviceAccount, io);
  return { ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } };
}
