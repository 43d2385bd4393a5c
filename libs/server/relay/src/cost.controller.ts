import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { QUOTA_PER_UNIT } from '@one-api/contracts';
import { UserRequestCost } from '@one-api/server-db';

/**
 * `GET /api/cost/request/:request_id`: the final charge of a request in quota and USD, public like the fork's (the
 * request id is an unguessable handle the caller got in X-Oneapi-Request-Id).
 */
@Controller('api/cost')
export class CostController {
  constructor(@InjectRepository(UserRequestCost) private readonly costs: Repository<UserRequestCost>) {}

  @Get('request/:requestId')
  async byRequest(@Param('requestId') requestId: string) {
    const row = await this.costs.findOneBy({ requestId });
    if (!row)
      throw new NotFoundException({ success: false, message: `No cost recorded for request ${requestId}` });
    return {
      request_id: row.requestId,
      user_id: row.userId,
      quota: row.quota,
      cost_usd: row.quota / QUOTA_PER_UNIT,
      created_time: row.createdTime,
      created_at: row.createdAt,
      updated_at: row.updatedAt,
    };
  }
}
