import {
  GatewayError,
  isRecord,
  kindForHttpStatus,
  tryParseJson,
  upstreamFallbackMessage,
  type UpstreamAdapter,
} from '@one-api/llm-core';
import { buildSparkRequest } from './build-request';
import { sparkExchange } from './exchange';
import { parseSparkFrames, sparkFrameError, SparkStreamDecoder } from './frames';

/** iFlytek Spark v1 (channel type 18) over a signed WebSocket; XunfeiV2 (48) is the OpenAI-compatible HTTP API. */
export const xunfeiAdapter: UpstreamAdapter = {
  format: 'xunfei-spark',
  buildRequest: buildSparkRequest,
  parseResponse: parseSparkFrames,
  createStreamDecoder: () => new SparkStreamDecoder(),
  parseError: (status, bodyText) => {
    const frame = tryParseJson(bodyText);
    return (
      (isRecord(frame) ? sparkFrameError(frame) : undefined) ??
      new GatewayError({
        kind: kindForHttpStatus(status),
        status,
        message: upstreamFallbackMessage(status, bodyText),
      })
    );
  },
  exchange: sparkExchange,
};
