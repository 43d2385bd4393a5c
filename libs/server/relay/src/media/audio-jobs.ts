import type { Request, Response } from 'express';
import {
  RatioTablesService,
  SPEECH_USD_PER_1M_CHARS,
  speechQuota,
  TRANSCRIPTION_USD_PER_MINUTE,
  transcriptionQuota,
} from '@one-api/server-billing';
import { RelayError, relayErrors } from '../relay-error';
import type { UpstreamResponse } from '../upstream-client.service';
import { audioSecondsOf } from './audio-duration';
import {
  MediaCharge,
  MediaJob,
  MediaJobFactory,
  openAiCompatibleRequest,
  speaksOpenAi,
} from './media-relay.service';
import { encodeMultipart, isMultipart, readMultipart } from './multipart';

/** The fork's audio-token convention for transcription logs: 10 prompt tokens per second of audio. */
const AUDIO_TOKENS_PER_SECOND = 10;

/**
 * Streams the provider's bytes to the caller as they arrive (speech audio is never buffered), respecting the
 * caller's backpressure. Resolves when the body ended or the caller left.
 */
async function pipeBody(response: UpstreamResponse, res: Response): Promise<'done' | 'client-gone'> {
  res.status(200);
  for (const header of ['content-type', 'content-length', 'content-disposition']) {
    const value = response.headers[header];
    if (typeof value === 'string') res.setHeader(header, value);
  }
  if (!res.getHeader('content-type')) res.setHeader('Content-Type', 'application/octet-stream');
  res.flushHeaders();
  let gone = false;
  const onClose = () => {
    if (!res.writableFinished) gone = true;
  };
  res.once('close', onClose);
  try {
    for await (const chunk of response.body) {
      if (gone) break;
      if (!res.write(chunk as Buffer)) await drained(res);
    }
  } finally {
    res.off('close', onClose);
  }
  if (gone) {
    response.body.destroy();
    return 'client-gone';
  }
  res.end();
  return 'done';
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * POST /v1/audio/speech: billed by the characters of `input` (tts-1 $15, tts-1-hd $30 per 1M characters; other
 * models by One API's rule characters × model ratio), held before the call and charged in full once the provider
 * answered — the audio was generated even if the caller leaves while it streams.
 */
export function speechJob(req: Request, ratios: RatioTablesService): MediaJobFactory {
  return async ({ groupRatio }): Promise<MediaJob> => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw relayErrors.badBody('The request body must be a JSON object');
    const payload = body as Record<string, unknown>;
    if (typeof payload.model !== 'string' || payload.model === '') throw relayErrors.modelMissing();
    if (typeof payload.input !== 'string' || payload.input === '')
      throw relayErrors.badBody('input is required', 'input');
    const model = payload.model;
    const input = payload.input;
    const chars = [...input].length;
    const chargeFor = (priced: string): MediaCharge => {
      const usdPer1M = SPEECH_USD_PER_1M_CHARS[priced];
      return {
        quota:
          usdPer1M !== undefined
            ? speechQuota(usdPer1M, input, groupRatio)
            : Math.max(1, Math.ceil(chars * ratios.price(priced).modelRatio * groupRatio - 1e-9)),
        promptTokens: chars,
        completionTokens: 0,
        note: `speech: ${chars} characters${usdPer1M !== undefined ? ` × $${usdPer1M}/1M` : ''}; group ratio ${groupRatio}`,
      };
    };
    return {
      endpoint: 'speech',
      model,
      hold: chargeFor(model).quota,
      accepts: speaksOpenAi,
      build: ({ channel, upstreamModel }) =>
        openAiCompatibleRequest(
          channel,
          '/v1/audio/speech',
          JSON.stringify({ ...payload, model: upstreamModel }),
          'application/json',
          upstreamModel,
        ),
      answer: async (response, res, { upstreamModel }) => {
        const ending = await pipeBody(response, res);
        const charge = chargeFor(
          SPEECH_USD_PER_1M_CHARS[upstreamModel] !== undefined ? upstreamModel : model,
        );
        return ending === 'done' ? charge : { ...charge, note: `${charge.note}; client disconnected` };
      },
    };
  };
}

/**
 * POST /v1/audio/transcriptions and /translations (multipart, `file` + `model`): billed by the audio's duration,
 * measured by the gateway from the file (whisper-1 $0.006 per minute; other models: the fork's rule of
 * 10 tokens per second × model ratio). The answer (json, text, srt, vtt, verbose_json) is passed through.
 */
export function transcriptionJob(
  req: Request,
  ratios: RatioTablesService,
  maxUploadBytes: number,
  kind: 'transcriptions' | 'translations',
): MediaJobFactory {
  return async ({ groupRatio }): Promise<MediaJob> => {
    if (!isMultipart(req))
      throw new RelayError(400, `audio/${kind} takes a multipart/form-data body`, 'invalid_request_error');
    const form = await readMultipart(req, maxUploadBytes);
    const file = form.files.find((f) => f.field === 'file');
    if (!file) throw relayErrors.badBody('file is required', 'file');
    const model = form.fields.model || 'whisper-1';
    const seconds = await audioSecondsOf(file);
    const audioTokens = Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND);
    const chargeFor = (priced: string): MediaCharge => {
      const usdPerMinute = TRANSCRIPTION_USD_PER_MINUTE[priced];
      return {
        quota:
          usdPerMinute !== undefined
            ? transcriptionQuota(usdPerMinute, seconds, groupRatio)
            : Math.max(
                1,
                Math.ceil(
                  seconds * AUDIO_TOKENS_PER_SECOND * ratios.price(priced).modelRatio * groupRatio - 1e-9,
                ),
              ),
        promptTokens: audioTokens,
        completionTokens: 0,
        note: `${kind.slice(0, -1)}: ${seconds.toFixed(3)} s of audio${
          usdPerMinute !== undefined ? ` × $${usdPerMinute}/min` : ''
        }; group ratio ${groupRatio}`,
      };
    };
    return {
      endpoint: kind,
      model,
      hold: chargeFor(model).quota,
      accepts: speaksOpenAi,
      build: ({ channel, upstreamModel }) => {
        const encoded = encodeMultipart({ ...form.fields, model: upstreamModel }, form.files);
        return openAiCompatibleRequest(
          channel,
          `/v1/audio/${kind}`,
          encoded.body,
          encoded.contentType,
          upstreamModel,
        );
      },
      answer: async (response, res, { upstreamModel }) => {
        const text = await response.body.text();
        res
          .status(200)
          .setHeader('Content-Type', String(response.headers['content-type'] ?? 'application/json'));
        res.end(text);
        return chargeFor(TRANSCRIPTION_USD_PER_MINUTE[upstreamModel] !== undefined ? upstreamModel : model);
      },
    };
  };
}
