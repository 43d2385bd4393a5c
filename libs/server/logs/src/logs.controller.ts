import { Controller, Delete, Get, Query } from '@nestjs/common';
import type { LogDto } from '@one-api/contracts';
import { AdminAuth, AuthUser, CurrentUser, UserAuth } from '@one-api/server-auth';
import { badRequest, Envelope, ok, page, pageWindow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { DeleteLogsQueryDto, LogQueryDto, LogSearchDto, toLogDto } from './log.dto';
import { LogFilter, LogsQueryService } from './logs-query.service';

function filterOf(q: LogQueryDto, withUsername: boolean): LogFilter {
  return {
    type: q.type,
    startTimestamp: q.start_timestamp,
    endTimestamp: q.end_timestamp,
    username: withUsername ? q.username : undefined,
    tokenName: q.token_name,
    modelName: q.model_name,
    channelId: q.channel,
  };
}

/** /api/log: every log for admins, the caller's own under /self. */
@Controller('api/log')
export class LogsController {
  constructor(
    private readonly query: LogsQueryService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @AdminAuth()
  async list(@Query() q: LogQueryDto): Promise<Envelope<LogDto[]>> {
    const [rows, total] = await this.query.list(
      filterOf(q, true),
      pageWindow(q, this.config.maxItemsPerPage),
    );
    return page(rows.map(toLogDto), total);
  }

  @Get('search')
  @AdminAuth()
  async search(@Query() q: LogSearchDto): Promise<Envelope<LogDto[]>> {
    const rows = await this.query.search(q.keyword ?? '');
    return page(rows.map(toLogDto), rows.length);
  }

  @Get('stat')
  @AdminAuth()
  async stat(@Query() q: LogQueryDto): Promise<Envelope<{ quota: number }>> {
    return ok({ quota: await this.query.consumedQuota(filterOf(q, true)) });
  }

  @Delete()
  @AdminAuth()
  async deleteBefore(@Query() q: DeleteLogsQueryDto): Promise<Envelope<number>> {
    if (!q.target_timestamp) throw badRequest('target timestamp is required');
    return ok(await this.query.deleteBefore(q.target_timestamp));
  }

  @Get('self')
  @UserAuth()
  async listSelf(@CurrentUser() user: AuthUser, @Query() q: LogQueryDto): Promise<Envelope<LogDto[]>> {
    const filter = { ...filterOf(q, false), userId: user.id };
    const [rows, total] = await this.query.list(filter, pageWindow(q, this.config.maxItemsPerPage));
    return page(rows.map(toLogDto), total);
  }

  @Get('self/search')
  @UserAuth()
  async searchSelf(@CurrentUser() user: AuthUser, @Query() q: LogSearchDto): Promise<Envelope<LogDto[]>> {
    const rows = await this.query.search(q.keyword ?? '', user.id);
    return page(rows.map(toLogDto), rows.length);
  }

  @Get('self/stat')
  @UserAuth()
  async statSelf(
    @CurrentUser() user: AuthUser,
    @Query() q: LogQueryDto,
  ): Promise<Envelope<{ quota: number }>> {
    return ok({ quota: await this.query.consumedQuota({ ...filterOf(q, false), userId: user.id }) });
  }
}
