import { Injectable } from '@nestjs/common';
import type { CanonicalRequest, ImagePart } from '@one-api/llm-core';
import { invalidRequest } from '@one-api/llm-core';
import { isGeminiFileUri } from '@one-api/llm-providers';
import { AppConfig } from '@one-api/server-config';
import { parseNetworks } from './address-policy';
import { UserContentError, UserContentFetcher } from './user-content-fetcher';

/** Builds the one fetcher for user-supplied URLs from MAX_INLINE_IMAGE_SIZE_MB / USER_CONTENT_REQUEST_*. */
export function userContentFetcherFrom(config: AppConfig): UserContentFetcher {
  return new UserContentFetcher({
    maxBytes: config.maxInlineImageSizeMb * 1024 * 1024,
    timeoutMs: config.userContentRequestTimeout * 1000,
    proxyUrl: config.userContentRequestProxy || undefined,
    allowedNetworks: config.userContentAllowedNetworks
      ? parseNetworks(config.userContentAllowedNetworks)
      : undefined,
  });
}

const REMOTE = /^https?:\/\//i;

/** Upstream protocols that take media only inline (or from their own storage), never from an http(s) URL. */
const INLINE_MEDIA_FORMATS: ReadonlySet<string> = new Set(['gemini', 'vertex-gemini', 'bedrock', 'ollama']);

export function needsInlineMedia(format: string): boolean {
  return INLINE_MEDIA_FORMATS.has(format);
}

/**
 * Turns the http(s) image and file URLs of a canonical request into inline base64, for upstreams that cannot fetch
 * URLs themselves (Gemini reads only inline data and its own Files / gs:// URIs). Every fetch goes through the
 * SSRF-safe UserContentFetcher; a URL it refuses or cannot read is the caller's error (400).
 */
@Injectable()
export class RemoteMediaInliner {
  constructor(readonly fetcher: UserContentFetcher) {}

  async inline(request: CanonicalRequest, signal?: AbortSignal): Promise<void> {
    const jobs: Array<Promise<void>> = [];
    const image = (part: ImagePart) => {
      if (part.source.kind !== 'url') return;
      const url = part.source.url;
      if (!REMOTE.test(url) || isGeminiFileUri(url)) return;
      jobs.push(
        this.read(url, 'image_url', signal).then(({ data, mediaType }) => {
          part.source = { kind: 'base64', mediaType: mediaType || 'image/jpeg', data };
        }),
      );
    };
    for (const message of request.messages) {
      if (message.role === 'user') {
        for (const part of message.content) {
          if (part.type === 'image') image(part);
          else if (part.type === 'file' && part.data === undefined && part.url && REMOTE.test(part.url)) {
            const url = part.url;
            if (isGeminiFileUri(url)) continue;
            jobs.push(
              this.read(url, 'file', signal).then(({ data, mediaType }) => {
                part.data = data;
                part.mediaType = part.mediaType ?? (mediaType || undefined);
                part.url = undefined;
              }),
            );
          }
        }
      } else if (message.role === 'tool') {
        for (const result of message.content)
          for (const inner of result.content) if (inner.type === 'image') image(inner);
      }
    }
    await Promise.all(jobs);
  }

  private async read(
    url: string,
    param: string,
    signal?: AbortSignal,
  ): Promise<{ data: string; mediaType: string }> {
    try {
      const fetched = await this.fetcher.fetch(url, signal);
      return { data: fetched.data.toString('base64'), mediaType: fetched.mediaType };
    } catch (error) {
      if (error instanceof UserContentError) throw invalidRequest(error.message, param);
      throw error;
    }
  }
}
