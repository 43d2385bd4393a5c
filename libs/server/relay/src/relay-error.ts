import type { Response } from 'express';

/** A failure the relay answers itself, before or instead of an upstream answer. */
export class RelayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

export const relayErrors = {
  missingKey: () =>
    new RelayError(
      401,
      'No API key provided: send Authorization: Bearer sk-...',
      'authentication_error',
      'missing_api_key',
    ),
  invalidKey: () => new RelayError(401, 'Invalid API key', 'authentication_error', 'invalid_api_key'),
  keyDisabled: () =>
    new RelayError(401, 'This API key has been disabled', 'authentication_error', 'token_disabled'),
  keyExpired: () => new RelayError(401, 'This API key has expired', 'authentication_error', 'token_expired'),
  keyExhausted: () =>
    new RelayError(
      403,
      'This API key has run out of quota',
      'insufficient_quota',
      'insufficient_token_quota',
    ),
  userDisabled: () =>
    new RelayError(403, 'The user of this API key has been disabled', 'permission_error', 'user_disabled'),
  userQuota: () =>
    new RelayError(403, 'Your account has run out of quota', 'insufficient_quota', 'insufficient_user_quota'),
  ipNotAllowed: (ip: string) =>
    new RelayError(403, `This API key may not be used from ${ip}`, 'permission_error', 'ip_not_allowed'),
  pinNotAllowed: () =>
    new RelayError(
      403,
      'Only administrators may pin a request to a channel',
      'permission_error',
      'channel_pin_not_allowed',
    ),
  pinnedChannelUnavailable: (id: number) =>
    new RelayError(
      403,
      `Channel ${id} does not exist or is disabled`,
      'permission_error',
      'channel_unavailable',
    ),
  modelMissing: () =>
    new RelayError(400, 'model is required', 'invalid_request_error', 'missing_model', 'model'),
  modelNotAllowed: (model: string) =>
    new RelayError(
      403,
      `This API key cannot use the model ${model}`,
      'permission_error',
      'model_not_allowed',
      'model',
    ),
  noChannel: (group: string, model: string) =>
    new RelayError(
      503,
      `No available channel for model ${model} in group ${group}`,
      'service_unavailable_error',
      'model_not_available',
      'model',
    ),
  badBody: (message: string, param: string | null = null) =>
    new RelayError(400, message, 'invalid_request_error', null, param),
};

/** Writes a RelayError as OpenAI's error JSON; anything else is rethrown to the global filter. */
export function sendRelayError(res: Response, error: unknown): void {
  if (!(error instanceof RelayError)) throw error;
  res
    .status(error.status)
    .json({ error: { message: error.message, type: error.type, param: error.param, code: error.code } });
}
