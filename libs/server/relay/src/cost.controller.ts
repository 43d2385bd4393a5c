import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { QUOTA_PER_UNIT } from '@one-api/contracts';
import { UserRequestCost } from '@one-api/server-db';

/**
 * `GET /api/cost/request/:request_id`: the charge of a request in quota and USD, public like the fork's (the request
 * id is an unguessable handle the caller got in X-Oneapi-Request-Id). While the request runs, the answer is the quota
 * held for it (`provisional: true`, from `quota_holds`); the settlement replaces the hold by the final cost row in
 * one transaction, so the answer is reconciled to the charged amount the moment the request is settled.
 */
@Controller('api/cost')
export class CostController {
  constructor(
    @InjectRepository(UserRequestCost) private readonly costs: Repository<UserRequestCost>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('request/:requestId')
  async byRequest(@Param('requestId') requestId: string) {
    const row = await this.costs.findOneBy({ requestId });
    if (row)
      return {
        id: Number(row.id),
        request_id: row.requestId,
        user_id: Number(row.userId),
        quota: Number(row.quota),
        cost_usd: Number(row.quota) / QUOTA_PER_UNIT,
        provisional: false,
        created_time: Number(row.createdTime),
        created_at: Number(row.createdAt),
        updated_at: Number(row.updatedAt),
      };
    const hold = await this.heldFor(requestId);
    if (hold)
      return {
        id: 0,
        request_id: requestId,
        user_id: hold.userId,
        quota: hold.amount,
        cost_usd: hold.amount / QUOTA_PER_UNIT,
        provisional: true,
        created_time: hold.createdAt,
        created_at: hold.createdAt,
        updated_at: hold.createdAt,
      };
    throw new NotFoundException({ success: false, message: `No cost recorded for request ${requestId}` });
  }

  private async heldFor(
    requestId: string,
  ): Promise<{ amount: number; userId: number; createdAt: number } | null> {
    const raw = (await this.dataSource
      .createQueryBuilder()
      .select(['h.amount AS amount', 'h.user_id AS user_id', 'h.created_at AS created_at'])
      .from('quota_holds', 'h')
      .where('h.request_id = :requestId', { requestId })
      .getRawOne()) as { amount: unknown; user_id: unknown; created_at: unknown } | undefined;
    if (!raw) return null;
    return { amount: Number(raw.amount), userId: Number(raw.user_id), createdAt: Number(raw.created_at) };
  }
}
