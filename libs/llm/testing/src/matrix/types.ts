/** The three inbound API formats the matrix speaks to the gateway. */
export type MatrixFormat = 'chat' | 'response' | 'claude';

/** What a variant checks in the reply. */
export type MatrixExpectation = 'default' | 'tools' | 'tool_history' | 'structured';

export type JsonObject = Record<string, unknown>;

/** One row of the matrix: a request shape sent to every model. */
export interface MatrixVariant {
  /** e.g. `chat_tools_stream_false` */
  key: string;
  /** the row label, e.g. `Chat Tools (stream=false)` */
  header: string;
  /** other names the variant can be selected by, e.g. `chat_tools` */
  aliases: readonly string[];
  format: MatrixFormat;
  /** gateway path, e.g. `/v1/chat/completions` */
  path: string;
  stream: boolean;
  expectation: MatrixExpectation;
  /**
   * Request bodies tried in order for one model: the main body, then fallbacks (tool variants only). The first
   * attempt that passes ends the cell; when every attempt answers 2xx without a tool call the cell is PASS*.
   */
  bodies(model: string): JsonObject[];
}

/** PASS* is a pass with the warning "tool was not invoked". */
export type CellStatus = 'PASS' | 'PASS*' | 'FAIL' | 'SKIP';

/** One SSE event of a streamed reply, its data parsed as JSON when it is JSON. */
export interface StreamEventRecord {
  /** the `event:` field, when the stream named its events */
  event?: string;
  /** the parsed JSON data, or the raw string (e.g. `[DONE]`) */
  data: unknown;
}

/** What the client got, parsed. */
export type MatrixReply =
  | { kind: 'json'; body: unknown }
  | { kind: 'stream'; events: StreamEventRecord[] }
  | { kind: 'none' };

/** The result of one model × variant cell. */
export interface CellResult {
  model: string;
  variant: string;
  header: string;
  format: MatrixFormat;
  stream: boolean;
  status: CellStatus;
  /** wall time of the whole cell (all attempts and retries), in milliseconds */
  durationMs: number;
  /** why it failed or was skipped */
  reason?: string;
  /** `tool was not invoked` for PASS* */
  warning?: string;
  /** HTTP status of the deciding attempt (0: no answer) */
  httpStatus: number;
  /** 1-based index of the deciding attempt among the variant's bodies */
  attempt: number;
  /** the body of the deciding attempt */
  request: JsonObject;
  /** the reply of the deciding attempt, parsed */
  reply: MatrixReply;
  /** the raw reply text (cut at 1 MiB) */
  rawBody: string;
  /** response headers of the deciding attempt */
  headers: Record<string, string>;
}

export interface MatrixReport {
  models: string[];
  variants: MatrixVariant[];
  cells: CellResult[];
  totals: { requests: number; passed: number; failed: number; skipped: number };
}
