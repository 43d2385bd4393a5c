import { parseBuffer } from 'music-metadata';
import { RelayError } from '../relay-error';

/**
 * The length of an uploaded audio file in seconds, read from the file itself (music-metadata: container headers,
 * or a frame scan for MP3 without a Xing/VBRI header) — never from anything the caller declares. A file whose
 * duration cannot be determined is refused: it could not be billed.
 */
export async function measureAudioSeconds(data: Buffer, mimeType: string, filename: string): Promise<number> {
  let duration: number | undefined;
  try {
    const metadata = await parseBuffer(
      data,
      {
        mimeType: mimeType === 'application/octet-stream' ? undefined : mimeType,
        path: filename,
        size: data.length,
      },
      { duration: true, skipCovers: true, skipPostHeaders: true },
    );
    duration = metadata.format.duration;
  } catch {
    duration = undefined;
  }
  if (duration === undefined || !Number.isFinite(duration) || duration <= 0)
    throw new RelayError(
      400,
      'the audio file could not be read (supported: flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav, webm)',
      'invalid_request_error',
      'invalid_audio',
      'file',
    );
  return duration;
}

/** Duration of an uploaded multipart file. */
export function audioSecondsOf(file: { data: Buffer; mimeType: string; filename: string }): Promise<number> {
  return measureAudioSeconds(file.data, file.mimeType, file.filename);
}
