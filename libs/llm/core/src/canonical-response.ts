import type { ReasoningPart, TextPart, ToolCallPart } from './canonical-request';
import type { Usage } from './usage';

export type FinishReasonKind = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';

/** Why generation ended, normalised, with the provider's own value (`end_turn`, `STOP`, ...) kept in `raw`. */
export interface FinishReason {
  reason: FinishReasonKind;
  raw: string | null;
}

/**
 * An image the model generated as part of its answer (Gemini's `inlineData` output parts of image models asked for
 * IMAGE output), base64.
 */
export interface GeneratedImagePart {
  type: 'generated-image';
  /** `image/png`, `image/jpeg`, ... */
  mediaType: string;
  /** base64, no data-URL prefix */
  data: string;
}

export type ResponseContentPart = TextPart | ReasoningPart | ToolCallPart | GeneratedImagePart;

/** An additional choice when the client asked for `n > 1` (choice 0 is the response itself). */
export interface CanonicalChoice {
  index: number;
  content: ResponseContentPart[];
  finishReason: FinishReason;
  logprobs?: unknown;
}

export interface CanonicalResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  content: ResponseContentPart[];
  finishReason: FinishReason;
  /** Absent when the upstream reported none (the relay then estimates). */
  usage?: Usage;
  systemFingerprint?: string;
  serviceTier?: string;
  /** Provider log-probabilities of choice 0, in the OpenAI shape. */
  logprobs?: unknown;
  extraChoices?: CanonicalChoice[];
}
