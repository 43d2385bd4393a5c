import { Controller, Get, Req, Res } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { Repository } from 'typeorm';
import { Token, User } from '@one-api/server-db';
import { OptionsService } from '@one-api/server-options';
import { RelayAuthService } from './relay-auth.service';
import { sendRelayError } from './relay-error';

const UNLIMITED_AMOUNT = 100000000;

/** OpenAI's legacy billing endpoints, as One API answers them for an sk- key. */
@Controller()
export class BillingDashboardController {
  constructor(
    private readonly auth: RelayAuthService,
    private readonly options: OptionsService,
    @InjectRepository(Token) private readonly tokens: Repository<Token>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  private toDisplay(quota: number): number {
    return this.options.getBool('DisplayInCurrencyEnabled')
      ? quota / this.options.getNumber('QuotaPerUnit', 500000)
      : quota;
  }

  @Get(['dashboard/billing/subscription', 'v1/dashboard/billing/subscription'])
  async subscription(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const principal = await this.auth.authenticate(req);
      const token = await this.tokens.findOneByOrFail({ id: principal.token.id });
      let amount: number;
      if (this.options.getBool('DisplayTokenStatEnabled')) {
        amount = token.unlimitedQuota
          ? UNLIMITED_AMOUNT
          : this.toDisplay(token.remainQuota + token.usedQuota);
      } else {
        const user = await this.users.findOneByOrFail({ id: principal.user.id });
        amount = this.toDisplay(user.quota);
      }
      res.json({
        object: 'billing_subscription',
        has_payment_method: true,
        soft_limit_usd: amount,
        hard_limit_usd: amount,
        system_hard_limit_usd: amount,
        access_until: token.expiredTime === -1 ? 0 : token.expiredTime,
      });
    } catch (error) {
      sendRelayError(res, error);
    }
  }

  @Get(['dashboard/billing/usage', 'v1/dashboard/billing/usage'])
  async usage(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const principal = await this.auth.authenticate(req);
      let used: number;
      if (this.options.getBool('DisplayTokenStatEnabled')) {
        used = (await this.tokens.findOneByOrFail({ id: principal.token.id })).usedQuota;
      } else {
        used = (await this.users.findOneByOrFail({ id: principal.user.id })).usedQuota;
      }
      // OpenAI reports cents.
      res.json({
        object: 'list',
        total_usage: (used / this.options.getNumber('QuotaPerUnit', 500000)) * 100,
      });
    } catch (error) {
      sendRelayError(res, error);
    }
  }
}
