import type { OutgoingHttpHeaders } from 'node:http';

/** A Bedrock runtime error: `{"message"}` with the exception in `x-amzn-ErrorType`. */
export interface BedrockErrorResponse {
  status: number;
  body: { message: string };
  headers: OutgoingHttpHeaders;
}

export function bedrockError(
  status: number,
  exception: string,
  message: string,
  headers: OutgoingHttpHeaders = {},
): BedrockErrorResponse {
  return {
    status,
    body: { message },
    headers: {
      'x-amzn-errortype': `${exception}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      ...headers,
    },
  };
}

export const validationError = (message: string): BedrockErrorResponse =>
  bedrockError(400, 'ValidationException', message);

export const unknownOperation = (): BedrockErrorResponse =>
  bedrockError(404, 'UnknownOperationException', 'UnknownOperationException');

export const modelNotFound = (): BedrockErrorResponse =>
  bedrockError(
    404,
    'ResourceNotFoundException',
    'Could not resolve the foundation model from the provided model identifier.',
  );

/** The error of a `<status>` fault, as Bedrock answers that status. */
export function bedrockStatusFaultError(status: number, retryAfterSeconds?: number): BedrockErrorResponse {
  switch (status) {
    case 400:
      return validationError('Input is too long for requested model.');
    case 403:
      return bedrockError(
        403,
        'AccessDeniedException',
        "You don't have access to the model with the specified model ID.",
      );
    case 404:
      return modelNotFound();
    case 408:
      return bedrockError(408, 'ModelTimeoutException', 'Model has timed out in processing the request.');
    case 424:
      return bedrockError(424, 'ModelErrorException', 'The model returned an error.');
    case 429:
      return bedrockError(
        429,
        'ThrottlingException',
        'Too many requests, please wait before trying again.',
        retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
      );
    case 500:
      return bedrockError(
        500,
        'InternalServerException',
        'The server encountered an internal error while processing the request.',
      );
    case 503:
      return bedrockError(503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.');
    default:
      return bedrockError(
        status,
        status >= 500 ? 'InternalServerException' : 'ValidationException',
        `Fake upstream failure (HTTP ${status}).`,
      );
  }
}
