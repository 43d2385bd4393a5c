import type { FakeExchange } from '../core/exchange';
import { invalidParameter, missingParameter, type OpenAIErrorResponse } from './errors';
import { isMultipartRequest, parseMultipart, type FakeUpload } from './multipart-form';

type Send = (e: OpenAIErrorResponse) => Promise<void>;

export const SPEECH_CONTENT_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** Bytes of fake audio per input character, and the size of each streamed chunk. */
export const SPEECH_BYTES_PER_CHAR = 64;
export const SPEECH_CHUNK_BYTES = 4096;

/** The fake speech audio for `input`: deterministic bytes, SPEECH_BYTES_PER_CHAR per character. */
export function fakeSpeechAudio(input: string): Buffer {
  const out = Buffer.alloc([...input].length * SPEECH_BYTES_PER_CHAR);
  for (let i = 0; i < out.length; i++) out[i] = (i * 31 + input.length) & 0xff;
  return out;
}

/**
 * POST /v1/audio/speech: `{model, input, voice, response_format?, speed?}` → the audio bytes, streamed in chunks
 * (chunked transfer, no Content-Length, as OpenAI streams speech); `slow:<ms>` paces the chunks.
 */
export async function handleSpeech(ex: FakeExchange, send: Send): Promise<void> {
  const req = (ex.body ?? {}) as Record<string, unknown>;
  if (typeof req.model !== 'string' || req.model === '') return send(missingParameter('model'));
  if (typeof req.input !== 'string' || req.input === '') return send(missingParameter('input'));
  if (typeof req.voice !== 'string' || req.voice === '') return send(missingParameter('voice'));
  if ([...req.input].length > 4096)
    return send(invalidParameter('input', "'input' is too long: the maximum is 4096 characters."));
  const format = typeof req.response_format === 'string' ? req.response_format : 'mp3';
  const contentType = SPEECH_CONTENT_TYPES[format];
  if (!contentType)
    return send(
      invalidParameter('response_format', `'${format}' is not one of mp3, opus, aac, flac, wav, pcm`),
    );
  const audio = fakeSpeechAudio(req.input);
  const { res } = ex;
  res.writeHead(200, {
    'content-type': contentType,
    'transfer-encoding': 'chunked',
    'x-request-id': ex.requestId,
  });
  res.flushHeaders();
  for (let offset = 0; offset < audio.length; offset += SPEECH_CHUNK_BYTES) {
    if (ex.delivery.chunkDelayMs > 0) await new Promise((r) => setTimeout(r, ex.delivery.chunkDelayMs));
    if (res.destroyed) return;
    if (
      ex.delivery.cutAfterChunks !== undefined &&
      offset / SPEECH_CHUNK_BYTES >= ex.delivery.cutAfterChunks
    ) {
      res.socket?.destroy();
      return;
    }
    res.write(audio.subarray(offset, offset + SPEECH_CHUNK_BYTES));
  }
  res.end();
}

/** Seconds of a PCM WAV file from its header (the fake's only duration reader; other formats report none). */
export function wavSeconds(data: Buffer): number | undefined {
  if (data.length < 44 || data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE')
    return undefined;
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= data.length) {
    const id = data.toString('ascii', offset, offset + 4);
    const size = data.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = data.readUInt32LE(offset + 16);
    if (id === 'data') return byteRate > 0 ? size / byteRate : undefined;
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

export function fakeTranscript(file: FakeUpload): string {
  return `Fake transcript of ${file.filename} (${file.data.length} bytes).`;
}

/**
 * POST /v1/audio/transcriptions and /translations (multipart: `file`, `model`, `response_format?`, ...):
 * json `{text, usage?}` (transcriptions of WAV report `usage: {type: "duration", seconds}`), text, srt, vtt or
 * verbose_json `{task, language, duration, text, segments}`.
 */
export function audioTextHandler(task: 'transcribe' | 'translate') {
  return async (ex: FakeExchange, send: Send): Promise<void> => {
    if (!isMultipartRequest(ex.headers))
      return send(invalidParameter('file', 'The request must be multipart/form-data.'));
    const form = await parseMultipart(ex.headers, ex.bytes);
    const file = form.files.find((f) => f.field === 'file');
    if (!file) return send(missingParameter('file'));
    if (!form.fields.model) return send(missingParameter('model'));
    const text = fakeTranscript(file);
    const seconds = wavSeconds(file.data);
    const format = form.fields.response_format ?? 'json';
    switch (format) {
      case 'json': {
        const body: Record<string, unknown> = { text };
        if (task === 'transcribe' && seconds !== undefined)
          body.usage = { type: 'duration', seconds: Math.ceil(seconds) };
        return ex.json(200, body);
      }
      case 'verbose_json':
        return ex.json(200, {
          task,
          language: task === 'translate' ? 'english' : (form.fields.language ?? 'english'),
          duration: seconds ?? 0,
          text,
          segments: [],
        });
      case 'text':
      case 'srt':
      case 'vtt': {
        const body =
          format === 'text'
            ? `${text}\n`
            : format === 'srt'
              ? `1\n00:00:00,000 --> 00:00:01,000\n${text}\n\n`
              : `WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n${text}\n\n`;
        ex.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': ex.requestId });
        ex.res.end(body);
        return;
      }
      default:
        return send(
          invalidParameter('response_format', `'${format}' is not one of json, text, srt, verbose_json, vtt`),
        );
    }
  };
}
