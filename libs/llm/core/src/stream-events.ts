import type { FinishReasonKind } from './canonical-response';
import type { GatewayError } from './gateway-error';
import type { Usage } from './usage';

/**
 * The typed stream every upstream decoder emits and every inbound stream encoder consumes.
 * `choice` is the choice index for `n > 1`; absent means 0.
 * `index` on tool-call events is the tool call's position among the choice's tool calls.
 */
export type StreamEvent =
  | ResponseStartEvent
  | TextDeltaEvent
  | ReasoningDeltaEvent
  | ToolCallStartEvent
  | ToolCallDeltaEvent
  | ToolCallEndEvent
  | GeneratedImageEvent
  | UsageEvent
  | FinishEvent
  | ErrorEvent;

export interface ResponseStartEvent {
  type: 'response-start';
  id: string;
  model: string;
  created: number;
  systemFingerprint?: string;
  serviceTier?: string;
}

export interface TextDeltaEvent {
  type: 'text-delta';
  text: string;
  choice?: number;
}

export interface ReasoningDeltaEvent {
  type: 'reasoning-delta';
  text: string;
  signature?: string;
  redacted?: boolean;
  choice?: number;
}

export interface ToolCallStartEvent {
  type: 'tool-call-start';
  index: number;
  id: string;
  name: string;
  choice?: number;
}

export interface ToolCallDeltaEvent {
  type: 'tool-call-delta';
  index: number;
  argumentsDelta: string;
  choice?: number;
}

export interface ToolCallEndEvent {
  type: 'tool-call-end';
  index: number;
  choice?: number;
}

/** A whole generated image (images are not streamed piecewise): base64 `data` of `mediaType`. */
export interface GeneratedImageEvent {
  type: 'generated-image';
  mediaType: string;
  data: string;
  choice?: number;
}

export interface UsageEvent {
  type: 'usage';
  usage: Usage;
}

export interface FinishEvent {
  type: 'finish';
  reason: FinishReasonKind;
  raw: string | null;
  choice?: number;
}

export interface ErrorEvent {
  type: 'error';
  error: GatewayError;
}
