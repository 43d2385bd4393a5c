import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { LogType } from '@one-api/contracts';
import { badRequest } from '@one-api/server-common';
import { Log } from '@one-api/server-db';

export type UsageDimension = 'day' | 'user' | 'token' | 'model';
export const USAGE_DIMENSIONS: readonly UsageDimension[] = ['day', 'user', 'token', 'model'];

export interface UsageReportQuery {
  dimensions: UsageDimension[];
  /** Unix seconds, inclusive */
  start?: number;
  /** Unix seconds, inclusive */
  end?: number;
  userId?: number;
  tokenId?: number;
  model?: string;
}

/** One row of a usage report: the sums of the consume logs that share the requested dimensions. */
export interface UsageReportRow {
  day?: string;
  user_id?: number;
  username?: string;
  token_id?: number;
  token_name?: string;
  model_name?: string;
  request_count: number;
  quota: number;
  prompt_tokens: number;
  cached_prompt_tokens: number;
  completion_tokens: number;
}

const MAX_ROWS = 10_000;
/** The UTC day a log falls on, as its first second: plain integer arithmetic every engine evaluates alike. */
const DAY_START = 'l.created_at - (l.created_at % 86400)';

/** Usage reports per user, key, model and UTC day, summed from the consume logs. */
@Injectable()
export class UsageReportService {
  constructor(@InjectRepository(Log) private readonly logs: Repository<Log>) {}

  static parseDimensions(value: unknown, allowed: readonly UsageDimension[]): UsageDimension[] {
    if (value === undefined || value === '') return [...allowed];
    if (typeof value !== 'string') throw badRequest('group_by must be a comma-separated list');
    const asked = value
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    const bad = asked.filter((d) => !(allowed as readonly string[]).includes(d));
    if (bad.length) throw badRequest(`group_by accepts ${allowed.join(', ')}; not ${bad.join(', ')}`);
    return allowed.filter((d) => asked.includes(d));
  }

  async report(query: UsageReportQuery): Promise<UsageReportRow[]> {
    const qb = this.logs
      .createQueryBuilder('l')
      .select('COUNT(*)', 'request_count')
      .addSelect('SUM(l.quota)', 'quota')
      .addSelect('SUM(l.prompt_tokens)', 'prompt_tokens')
      .addSelect('SUM(COALESCE(l.cached_prompt_tokens, 0))', 'cached_prompt_tokens')
      .addSelect('SUM(l.completion_tokens)', 'completion_tokens')
      .where('l.type = :type', { type: LogType.Consume });
    const groups: string[] = [];
    const dims = new Set(query.dimensions);
    if (dims.has('day')) {
      qb.addSelect(DAY_START, 'day_start');
      groups.push(DAY_START);
    }
    if (dims.has('user')) {
      qb.addSelect('l.user_id', 'user_id').addSelect('l.username', 'username');
      groups.push('l.user_id', 'l.username');
    }
    if (dims.has('token')) {
      qb.addSelect('l.token_id', 'token_id').addSelect('l.token_name', 'token_name');
      groups.push('l.token_id', 'l.token_name');
    }
    if (dims.has('model')) {
      qb.addSelect('l.model_name', 'model_name');
      groups.push('l.model_name');
    }
    if (query.start !== undefined) qb.andWhere('l.created_at >= :start', { start: query.start });
    if (query.end !== undefined) qb.andWhere('l.created_at <= :end', { end: query.end });
    if (query.userId !== undefined) qb.andWhere('l.user_id = :userId', { userId: query.userId });
    if (query.tokenId !== undefined) qb.andWhere('l.token_id = :tokenId', { tokenId: query.tokenId });
    if (query.model) qb.andWhere('l.model_name = :model', { model: query.model });
    groups.forEach((g, i) => (i === 0 ? qb.groupBy(g) : qb.addGroupBy(g)));
    const raw = (await qb.limit(MAX_ROWS).getRawMany()) as Array<Record<string, unknown>>;
    return raw.map((r) => toRow(r, dims)).sort(compareRows);
  }
}

function toRow(r: Record<string, unknown>, dims: Set<UsageDimension>): UsageReportRow {
  const row: UsageReportRow = {
    request_count: Number(r.request_count ?? 0),
    quota: Number(r.quota ?? 0),
    prompt_tokens: Number(r.prompt_tokens ?? 0),
    cached_prompt_tokens: Number(r.cached_prompt_tokens ?? 0),
    completion_tokens: Number(r.completion_tokens ?? 0),
  };
  if (dims.has('day')) row.day = new Date(Number(r.day_start) * 1000).toISOString().slice(0, 10);
  if (dims.has('user')) {
    row.user_id = Number(r.user_id ?? 0);
    row.username = String(r.username ?? '');
  }
  if (dims.has('token')) {
    row.token_id = Number(r.token_id ?? 0);
    row.token_name = String(r.token_name ?? '');
  }
  if (dims.has('model')) row.model_name = String(r.model_name ?? '');
  return row;
}

/** Newest day first, then by user, key and model. */
function compareRows(a: UsageReportRow, b: UsageReportRow): number {
  if ((a.day ?? '') !== (b.day ?? '')) return (a.day ?? '') < (b.day ?? '') ? 1 : -1;
  if ((a.user_id ?? 0) !== (b.user_id ?? 0)) return (a.user_id ?? 0) - (b.user_id ?? 0);
  if ((a.token_id ?? 0) !== (b.token_id ?? 0)) return (a.token_id ?? 0) - (b.token_id ?? 0);
  return (a.model_name ?? '').localeCompare(b.model_name ?? '');
}
