import { evaluateReply, isUnsupportedCombination, snippet } from './evaluate';
import { parseSse } from './reply';
import type { CellResult, JsonObject, MatrixReply, MatrixReport, MatrixVariant } from './types';
import { MATRIX_VARIANTS } from './variants';

export interface MatrixOptions {
  /** the gateway's base URL, without `/v1` (e.g. `http://127.0.0.1:3000`) */
  apiBase: string;
  /** sent as `Authorization: Bearer <apiToken>` */
  apiToken: string;
  models: readonly string[];
  /** default: every variant */
  variants?: readonly MatrixVariant[];
  /** per HTTP request; default 120 s */
  timeoutMs?: number;
  /** requests in flight at once (default 8) */
  concurrency?: number;
  /** tries per attempt for network errors and 5xx (default 3), backoff 250 ms doubling up to 2 s */
  transientTries?: number;
  /** called after every cell, in completion order */
  onCell?: (cell: CellResult) => void;
  /** extra request headers */
  headers?: Record<string, string>;
}

export const MATRIX_USER_AGENT = 'oneapi-test-harness/1.0';
const MAX_BODY = 1 << 20;
const INITIAL_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 2000;

interface AttemptOutcome {
  status: CellResult['status'];
  reason?: string;
  warning?: string;
  httpStatus: number;
  reply: MatrixReply;
  rawBody: string;
  headers: Record<string, string>;
  /** the failure is worth retrying (network error, 5xx) */
  transient?: boolean;
  toolNotInvoked?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length >= MAX_BODY) {
        text = text.slice(0, MAX_BODY);
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return text + decoder.decode();
}

function parseReply(stream: boolean, contentType: string, raw: string): MatrixReply {
  if (raw === '') return { kind: 'none' };
  if (stream && (contentType.includes('text/event-stream') || /^(event|data):/m.test(raw)))
    return { kind: 'stream', events: parseSse(raw) };
  try {
    return { kind: 'json', body: JSON.parse(raw) as unknown };
  } catch {
    return stream ? { kind: 'stream', events: parseSse(raw) } : { kind: 'none' };
  }
}

/** One HTTP exchange for one body: the verdict of the PASS rule, or why it failed / was skipped. */
async function sendOnce(
  opts: MatrixOptions,
  variant: MatrixVariant,
  body: JsonObject,
): Promise<AttemptOutcome> {
  let res: Response;
  let raw: string;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 120_000);
  try {
    res = await fetch(opts.apiBase.replace(/\/+$/, '') + variant.path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${opts.apiToken}`,
        'user-agent': MATRIX_USER_AGENT,
        ...opts.headers,
      },
      body: JSON.stringify(body),
      signal: timeout,
    });
    raw = await readCapped(res);
  } catch (error) {
    const e = error as Error & { cause?: { message?: string } };
    return {
      status: 'FAIL',
      reason: `request failed: ${e.cause?.message ?? e.message}`,
      httpStatus: 0,
      reply: { kind: 'none' },
      rawBody: '',
      headers: {},
      transient: true,
    };
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name] = value));
  const reply = parseReply(variant.stream, res.headers.get('content-type') ?? '', raw);
  const base = { httpStatus: res.status, reply, rawBody: raw, headers };
  if (res.status < 200 || res.status >= 300) {
    const reason = `status ${res.status}: ${snippet(raw)}`;
    const transient = res.status >= 500;
    if (!transient && isUnsupportedCombination(variant.format, variant.stream, res.status, raw, reason))
      return { ...base, status: 'SKIP', reason };
    return { ...base, status: 'FAIL', reason, transient };
  }
  const verdict = evaluateReply(variant, reply, raw);
  if (verdict.pass) return { ...base, status: 'PASS' };
  if (isUnsupportedCombination(variant.format, variant.stream, res.status, raw, verdict.reason))
    return { ...base, status: 'SKIP', reason: verdict.reason };
  return { ...base, status: 'FAIL', reason: verdict.reason, toolNotInvoked: verdict.toolNotInvoked };
}

/** One body with transient retries; persistent 502/503/504 or a server_error become SKIP, as in the fork. */
async function sendWithRetries(
  opts: MatrixOptions,
  variant: MatrixVariant,
  body: JsonObject,
): Promise<AttemptOutcome> {
  const tries = Math.max(1, opts.transientTries ?? 3);
  let backoff = INITIAL_BACKOFF_MS;
  let outcome!: AttemptOutcome;
  for (let i = 0; i < tries; i++) {
    outcome = await sendOnce(opts, variant, body);
    if (!outcome.transient) return outcome;
    if (i < tries - 1) {
      await sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
  const lower = outcome.rawBody.toLowerCase();
  const serverError =
    outcome.httpStatus >= 500 &&
    (lower.includes('"type":"server_error"') || lower.includes('"code":"server_error"'));
  const unsupported =
    outcome.httpStatus > 0 &&
    isUnsupportedCombination(variant.format, variant.stream, outcome.httpStatus, outcome.rawBody);
  if (serverError || unsupported) return { ...outcome, status: 'SKIP' };
  if (tries > 1) outcome.reason = `transient error after ${tries} tries: ${outcome.reason}`;
  return outcome;
}

/** Runs one model × variant cell: the variant's bodies in order until one passes. */
export async function runCell(
  opts: MatrixOptions,
  model: string,
  variant: MatrixVariant,
): Promise<CellResult> {
  const started = performance.now();
  const bodies = variant.bodies(model);
  let decided: { outcome: AttemptOutcome; index: number } | undefined;
  let softPass: { outcome: AttemptOutcome; index: number } | undefined;
  for (let i = 0; i < bodies.length; i++) {
    const outcome = await sendWithRetries(opts, variant, bodies[i]);
    decided = { outcome, index: i };
    if (outcome.status === 'PASS' || outcome.status === 'SKIP') break;
    if (outcome.toolNotInvoked)
      softPass ??= { outcome: { ...outcome, status: 'PASS*', warning: 'tool was not invoked' }, index: i };
  }
  if (!decided) throw new Error(`variant ${variant.key} has no request body`);
  const final =
    decided.outcome.status === 'PASS' || decided.outcome.status === 'SKIP' ? decided : (softPass ?? decided);
  const { outcome, index } = final;
  return {
    model,
    variant: variant.key,
    header: variant.header,
    format: variant.format,
    stream: variant.stream,
    status: outcome.status,
    durationMs: performance.now() - started,
    reason: outcome.status === 'PASS' ? undefined : outcome.reason,
    warning: outcome.warning,
    httpStatus: outcome.httpStatus,
    attempt: index + 1,
    request: bodies[index],
    reply: outcome.reply,
    rawBody: outcome.rawBody,
    headers: outcome.headers,
  };
}

/** Totals over cells: PASS and PASS* count as passed. */
export function matrixTotals(cells: readonly CellResult[]): MatrixReport['totals'] {
  const failed = cells.filter((c) => c.status === 'FAIL').length;
  const skipped = cells.filter((c) => c.status === 'SKIP').length;
  return { requests: cells.length, passed: cells.length - failed - skipped, failed, skipped };
}

/**
 * Sends every variant to every model through the gateway (fetch only, no framework) and checks each reply with the
 * variant's PASS rule. Cells come back in table order (variant, then model), whatever order they finished in.
 */
export async function runMatrix(opts: MatrixOptions): Promise<MatrixReport> {
  const variants = [...(opts.variants ?? MATRIX_VARIANTS)];
  const models = [...opts.models];
  const jobs = variants.flatMap((variant) => models.map((model) => ({ variant, model })));
  const cells: CellResult[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const cell = await runCell(opts, jobs[i].model, jobs[i].variant);
      cells[i] = cell;
      opts.onCell?.(cell);
    }
  };
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 8, jobs.length || 1));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { models, variants, cells, totals: matrixTotals(cells) };
}
