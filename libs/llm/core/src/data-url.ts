/** `data:<media type>;base64,<data>` helpers for image, audio and file parts. */
export interface DataUrl {
  mediaType: string;
  data: string;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,=]+=[^;,]*)*);base64,/i;

/** Parses a base64 data URL; returns undefined for anything else (http URLs, non-base64 data URLs). */
export function parseDataUrl(url: string): DataUrl | undefined {
  if (!url.startsWith('data:')) return undefined;
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1] + match[2], data: url.slice(match[0].length) };
}

export function toDataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}
