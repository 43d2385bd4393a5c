import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError, ok, page, pageWindow } from '@one-api/server-common';
import { AppConfig } from '@one-api/server-config';
import { RelayAuthService, RelayPrincipal } from '../relay-auth.service';
import { RelayError } from '../relay-error';
import {
  ConsumeRequest,
  ConsumingKey,
  ExternalBillingService,
  transactionView,
} from './external-billing.service';

/**
 * The fork's external billing API, authenticated by an API key (sk-…) like /v1: `POST /api/token/consume`
 * (phases pre / post / cancel / single), `GET /api/token/balance`, `/transactions` and `/logs`. Answers use the
 * management envelope; the consume answer adds the fork's top-level `transaction`.
 */
@Controller('api/token')
export class TokenConsumeController {
  constructor(
    private readonly auth: RelayAuthService,
    private readonly billing: ExternalBillingService,
    private readonly config: AppConfig,
  ) {}

  @Post('consume')
  @HttpCode(200)
  async consume(@Req() req: Request, @Body() body: ConsumeRequest) {
    const principal = await this.key(req, body?.phase === 'post' || body?.phase === 'cancel');
    const { transaction } = await this.billing.consume(consumingKey(principal), body ?? {});
    const balance = await this.billing.balance(principal.token.id);
    return {
      success: true,
      message: '',
      data: {
        id: principal.token.id,
        name: principal.token.name,
        remain_quota: balance.remain_quota,
        used_quota: balance.used_quota,
        unlimited_quota: balance.unlimited_quota,
      },
      transaction: transactionView(transaction),
    };
  }

  @Get('balance')
  async balance(@Req() req: Request) {
    const principal = await this.key(req, true);
    return ok(await this.billing.balance(principal.token.id));
  }

  @Get('transactions')
  async transactions(@Req() req: Request, @Query() query: Record<string, unknown>) {
    const principal = await this.key(req, true);
    const window = pageWindow(query, this.config.maxItemsPerPage);
    const [rows, total] = await this.billing.list(principal.token.id, window.skip, window.size);
    return page(
      rows.map((t) => ({ ...transactionView(t), status: Number(t.status) })),
      total,
    );
  }

  @Get('logs')
  async logs(@Req() req: Request, @Query() query: Record<string, unknown>) {
    const principal = await this.key(req, true);
    const window = pageWindow(query, this.config.maxItemsPerPage);
    const [rows, total] = await this.billing.logs(principal.token.id, window.skip, window.size);
    return page(
      rows.map((l) => ({
        id: Number(l.id),
        user_id: Number(l.userId),
        created_at: Number(l.createdAt),
        type: Number(l.type),
        content: l.content ?? '',
        token_name: l.tokenName,
        model_name: l.modelName,
        quota: Number(l.quota),
        prompt_tokens: Number(l.promptTokens),
        completion_tokens: Number(l.completionTokens),
        request_id: l.requestId,
      })),
      total,
    );
  }

  /** The calling API key; relay-key failures keep their status but get the management envelope. */
  private async key(req: Request, allowExhausted: boolean): Promise<RelayPrincipal> {
    try {
      return await this.auth.authenticate(req, { allowExhausted });
    } catch (error) {
      if (error instanceof RelayError) throw new ApiError(error.message, error.status);
      throw error;
    }
  }
}

function consumingKey(principal: RelayPrincipal): ConsumingKey {
  return {
    tokenId: principal.token.id,
    tokenName: principal.token.name,
    userId: principal.user.id,
    username: principal.user.username,
    unlimitedQuota: principal.token.unlimitedQuota,
  };
}
