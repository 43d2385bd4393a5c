import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from '@one-api/contracts';
import { AuthUser, CurrentUser, UserAuth } from '@one-api/server-auth';
import { badRequest, notFound, ok } from '@one-api/server-common';
import { Log } from '@one-api/server-db';
import type { TraceTimestamps } from './trace-recorder.service';

const idPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('log id must be an integer') });

interface TraceRowDb {
  id: number;
  trace_id: string;
  request_id: string;
  user_id: number;
  url: string;
  method: string;
  status: number;
  body_size: number;
  timestamps: string;
  created_at: number;
}

/** Durations between milestones, in ms (absent when a milestone is missing). */
function durations(t: TraceTimestamps): Record<string, number> {
  const d: Record<string, number> = {};
  const span = (name: string, from?: number, to?: number) => {
    if (from !== undefined && to !== undefined) d[name] = to - from;
  };
  span('routing_and_quota', t.request_received, t.upstream_request_sent);
  span('upstream_first_response', t.upstream_request_sent, t.first_upstream_response);
  span('time_to_first_byte', t.request_received, t.first_client_response);
  span('total', t.request_received, t.request_completed);
  return d;
}

/** The request timeline (traces table): users read the traces of their own requests, admins any. */
@Controller('api/trace')
@UserAuth()
export class TraceController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The latest row with that trace or request id (of `userId` only, when given). */
  private async findRow(
    column: 'trace_id' | 'request_id',
    value: string,
    userId?: number,
  ): Promise<TraceRowDb | undefined> {
    const query = this.dataSource
      .createQueryBuilder()
      .select('*')
      .from('traces', 't')
      .where(`t.${column} = :value`, { value });
    if (userId !== undefined) query.andWhere('t.user_id = :userId', { userId });
    const rows = (await query.orderBy('t.id', 'DESC').limit(1).getRawMany()) as TraceRowDb[];
    return rows[0];
  }

  private view(row: TraceRowDb, log?: Log | null) {
    let timestamps: TraceTimestamps;
    try {
      timestamps = JSON.parse(row.timestamps) as TraceTimestamps;
    } catch {
      timestamps = { request_received: 0, attempts: [] };
    }
    return {
      id: Number(row.id),
      trace_id: row.trace_id,
      request_id: row.request_id,
      url: row.url,
      method: row.method,
      status: Number(row.status),
      body_size: Number(row.body_size),
      created_at: Number(row.created_at),
      timestamps,
      durations: durations(timestamps),
      log: log
        ? {
            id: Number(log.id),
            created_at: Number(log.createdAt),
            model_name: log.modelName,
            quota: Number(log.quota),
            prompt_tokens: Number(log.promptTokens),
            completion_tokens: Number(log.completionTokens),
            elapsed_time: Number(log.elapsedTime),
            is_stream: !!log.isStream,
            channel: Number(log.channelId ?? 0),
          }
        : null,
    };
  }

  @Get('log/:logId')
  async byLog(@Param('logId', idPipe) logId: number, @CurrentUser() user: AuthUser) {
    const log = await this.dataSource.getRepository(Log).findOneBy({ id: logId });
    if (!log || (user.role < Role.Admin && Number(log.userId) !== user.id)) throw notFound('Log not found');
    if (!log.traceId || !log.requestId) throw notFound('This log has no trace');
    const row = await this.findRow('request_id', log.requestId);
    if (!row) throw notFound('Trace not found');
    return ok(this.view(row, log));
  }

  @Get(':traceId')
  async byId(@Param('traceId') traceId: string, @CurrentUser() user: AuthUser) {
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw badRequest('trace id must be 32 hex digits');
    const row = await this.findRow('trace_id', traceId, user.role < Role.Admin ? user.id : undefined);
    if (!row) throw notFound('Trace not found');
    const log = await this.dataSource.getRepository(Log).findOneBy({ requestId: row.request_id });
    return ok(this.view(row, log));
  }
}
