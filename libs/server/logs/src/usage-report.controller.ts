import { Controller, Get, Query } from '@nestjs/common';
import { AdminAuth, AuthUser, CurrentUser, UserAuth } from '@one-api/server-auth';
import { badRequest, ok } from '@one-api/server-common';
import { USAGE_DIMENSIONS, UsageReportQuery, UsageReportService } from './usage-report.service';

/**
 * Usage reports (the fork's "transparent usage reports"): consume logs summed per UTC day, user, API key and model.
 * `group_by` picks the dimensions (default all), `start_timestamp` / `end_timestamp` bound the period (Unix seconds),
 * `token_id` and `model_name` filter. Users see their own usage; admins anyone's (`user_id`).
 */
@Controller('api/usage')
export class UsageReportController {
  constructor(private readonly reports: UsageReportService) {}

  @Get('self')
  @UserAuth()
  async self(@CurrentUser() user: AuthUser, @Query() query: Record<string, unknown>) {
    const dimensions = UsageReportService.parseDimensions(
      query.group_by,
      USAGE_DIMENSIONS.filter((d) => d !== 'user'),
    );
    return ok(await this.reports.report({ ...filters(query), dimensions, userId: user.id }));
  }

  @Get()
  @AdminAuth()
  async all(@Query() query: Record<string, unknown>) {
    const dimensions = UsageReportService.parseDimensions(query.group_by, USAGE_DIMENSIONS);
    return ok(
      await this.reports.report({ ...filters(query), dimensions, userId: int(query.user_id, 'user_id') }),
    );
  }
}

function filters(query: Record<string, unknown>): Omit<UsageReportQuery, 'dimensions'> {
  return {
    start: int(query.start_timestamp, 'start_timestamp'),
    end: int(query.end_timestamp, 'end_timestamp'),
    tokenId: int(query.token_id, 'token_id'),
    model: typeof query.model_name === 'string' && query.model_name ? query.model_name : undefined,
  };
}

function int(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw badRequest(`${name} must be a non-negative integer`);
  return n;
}
