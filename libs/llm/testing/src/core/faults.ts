/**
 * Fault injection for the fake providers.
 *
 * A fault is requested programmatically (`setFault`, `failNext`) or by URL prefix
 * (`/_fault/<spec>/v1/...`, so a channel's base URL can carry it). A spec is one or more faults joined by commas:
 *   `429`, `429:5` (Retry-After 5 s), `500`, `503`, `401`, `400` (any status 400-599),
 *   `hang`, `refuse`, `cut:<n>`, `slow:<ms>` — e.g. `slow:50,cut:3`.
 */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'hang' }
  | { kind: 'refuse' }
  | { kind: 'cut'; afterChunks: number }
  | { kind: 'slow'; chunkDelayMs: number };

/** What `setFault` / `failNext` accept: a fault, several faults, or a spec string. */
export type FaultInput = Fault | readonly Fault[] | string;

/** The merged effect of a list of faults on one request. */
export interface FaultPlan {
  refuse: boolean;
  hang: boolean;
  status?: { status: number; retryAfterSeconds?: number };
  /** Stream: number of SSE events written before the socket is destroyed (never `[DONE]`). */
  cutAfterChunks?: number;
  /** Extra delay before each stream event (and once before a non-stream body). */
  chunkDelayMs: number;
}

export const NO_FAULT: FaultPlan = Object.freeze({
  refuse: false,
  hang: false,
  chunkDelayMs: 0,
}) as FaultPlan;

const FAULT_PREFIX = '/_fault/';

function nonNegativeInt(value: string, spec: string): number {
  if (!/^\d+$/.test(value))
    throw new Error(`Invalid fault spec "${spec}": "${value}" is not a non-negative integer`);
  return Number(value);
}

function parseOne(spec: string): Fault {
  const [name, arg, extra] = spec.split(':');
  if (extra !== undefined) throw new Error(`Invalid fault spec "${spec}"`);
  if (/^\d{3}$/.test(name)) {
    const status = Number(name);
    if (status < 400 || status > 599) throw new Error(`Invalid fault spec "${spec}": status must be 400-599`);
    if (arg === undefined) return { kind: 'status', status };
    return { kind: 'status', status, retryAfterSeconds: nonNegativeInt(arg, spec) };
  }
  switch (name) {
    case 'hang':
    case 'refuse':
      if (arg !== undefined) throw new Error(`Invalid fault spec "${spec}": "${name}" takes no argument`);
      return { kind: name };
    case 'cut':
      if (arg === undefined) throw new Error(`Invalid fault spec "${spec}": use cut:<chunks>`);
      return { kind: 'cut', afterChunks: nonNegativeInt(arg, spec) };
    case 'slow':
      if (arg === undefined) throw new Error(`Invalid fault spec "${spec}": use slow:<ms>`);
      return { kind: 'slow', chunkDelayMs: nonNegativeInt(arg, spec) };
    default:
      throw new Error(
        `Unknown fault spec "${spec}": expected a status (e.g. 429, 429:<retry-after s>, 500), hang, refuse, cut:<n> or slow:<ms>`,
      );
  }
}

/** Parses `"slow:50,cut:3"` into faults; throws with a readable message on a bad spec. */
export function parseFaultSpec(spec: string): Fault[] {
  const parts = spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new Error('Empty fault spec');
  return parts.map(parseOne);
}

export function normalizeFaults(input: FaultInput): Fault[] {
  if (typeof input === 'string') return parseFaultSpec(input);
  const list = Array.isArray(input) ? [...(input as readonly Fault[])] : [input as Fault];
  // Round-trip through the spec so programmatic faults are validated exactly like URL ones.
  return parseFaultSpec(formatFaults(list));
}

/** The spec string of a list of faults (inverse of `parseFaultSpec`). */
export function formatFaults(faults: readonly Fault[]): string {
  return faults
    .map((f) => {
      switch (f.kind) {
        case 'status':
          return f.retryAfterSeconds === undefined ? String(f.status) : `${f.status}:${f.retryAfterSeconds}`;
        case 'cut':
          return `cut:${f.afterChunks}`;
        case 'slow':
          return `slow:${f.chunkDelayMs}`;
        default:
          return f.kind;
      }
    })
    .join(',');
}

export function planFaults(faults: readonly Fault[]): FaultPlan {
  const plan: FaultPlan = { refuse: false, hang: false, chunkDelayMs: 0 };
  for (const f of faults) {
    if (f.kind === 'refuse') plan.refuse = true;
    else if (f.kind === 'hang') plan.hang = true;
    else if (f.kind === 'status') plan.status = { status: f.status, retryAfterSeconds: f.retryAfterSeconds };
    else if (f.kind === 'cut') plan.cutAfterChunks = f.afterChunks;
    else plan.chunkDelayMs = f.chunkDelayMs;
  }
  return plan;
}

/** Splits `/_fault/<spec>/v1/x?y` into the (URI-decoded) spec and `/v1/x?y`; no prefix → spec undefined. */
export function splitFaultPrefix(url: string): { spec?: string; rest: string } {
  if (!url.startsWith(FAULT_PREFIX)) return { rest: url };
  const end = url.indexOf('/', FAULT_PREFIX.length);
  const raw = end === -1 ? url.slice(FAULT_PREFIX.length) : url.slice(FAULT_PREFIX.length, end);
  let spec: string;
  try {
    spec = decodeURIComponent(raw);
  } catch {
    spec = raw;
  }
  return { spec, rest: end === -1 ? '/' : url.slice(end) };
}
