import { tryParseJson, type UpstreamAdapter } from '@one-api/llm-core';
import { buildCozeRequest } from './build-request';
import { cozeExchange } from './exchange';
import { authorizeCoze } from './oauth';
import { parseCozeError } from './parse-error';
import { parseCozeResponse } from './parse-response';
import { CozeStreamDecoder } from './stream-decoder';

/** Whether the caller asked for a stream: the built body always streams, so the built request keeps it in a header. */
export const COZE_CALLER_STREAMS_HEADER = 'X-One-Api-Caller-Stream';

/**
 * The Coze (channel type 34) upstream adapter: the v3 chat API with a personal access token, or an OAuth JWT app
 * (`config.auth_type = "oauth_jwt"`) whose token is exchanged in `authorize`; `exchange` turns Coze's in-band errors
 * into HTTP errors and folds the stream for non-stream callers.
 */
export const cozeAdapter: UpstreamAdapter = {
  format: 'coze',
  buildRequest: (request, channel) => {
    const built = buildCozeRequest(request, channel);
    return { ...built, headers: { ...built.headers, [COZE_CALLER_STREAMS_HEADER]: String(request.stream) } };
  },
  parseResponse: parseCozeResponse,
  createStreamDecoder: () => new CozeStreamDecoder(),
  parseError: parseCozeError,
  authorize: authorizeCoze,
  exchange: (request, _channel, io) => {
    const { [COZE_CALLER_STREAMS_HEADER]: flag, ...headers } = request.headers;
    const streams =
      flag === undefined
        ? (tryParseJson(request.body) as { stream?: unknown })?.stream === true
        : flag === 'true';
    return cozeExchange({ ...request, headers }, io, streams);
  },
};
