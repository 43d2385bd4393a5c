import type { IncomingHttpHeaders } from 'node:http';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the `/_fault/<spec>` prefix and without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** The request target exactly as received (prefix and query included). */
  url: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the body is empty or not valid JSON. */
  body: unknown;
  /** The body as received (UTF-8); empty for `refuse`, which does not read it. */
  rawBody: string;
  /** The fault spec applied to this request, if any (e.g. `429`, `slow:50,cut:3`). */
  fault?: string;
  /** Epoch milliseconds when the request head arrived. */
  receivedAt: number;
}

export class Recorder {
  readonly requests: RecordedRequest[] = [];

  constructor(private readonly enabled: boolean) {}

  add(entry: RecordedRequest): void {
    if (this.enabled) this.requests.push(entry);
  }

  clear(): void {
    this.requests.length = 0;
  }
}
